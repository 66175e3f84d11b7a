#!/bin/sh
# Rebuild the Vietnamese catalogue locale/vi/LC_MESSAGES/django.po, the one source of truth for translations.
# 1. makemessages lists the strings the code uses today (strings no longer used are dropped).
# 2. Each is translated from (in order) the files of locale/pending/ (an inbox for work done in parallel: they win,
#    so a pending file can also correct a translation), then the catalogue as it was.
# 3. Vietnamese's single plural form is filled in, the header gets its real values, the catalogue is compiled.
# The pending files are folded in and removed; what is still untranslated is listed at the end.
set -e
cd "$(dirname "$0")/../.."
PO=locale/vi/LC_MESSAGES/django.po
cp "$PO" /tmp/previous_vi.po
rm -f "$PO"
DJANGO_SETTINGS_MODULE=reform.settings.local .venv/bin/python manage.py makemessages -l vi --ignore=.venv --ignore=staticfiles --ignore=benchmarks --ignore=tests --no-obsolete >/dev/null
msgcat --use-first locale/pending/*.po /tmp/previous_vi.po -o /tmp/comp.po 2>/dev/null \
  || msgcat /tmp/previous_vi.po -o /tmp/comp.po
msgmerge -q -N --compendium=/tmp/comp.po "$PO" "$PO" -o /tmp/merged.po
python3 locale/tools/fix_plurals.py /tmp/merged.po /tmp/comp.po "$PO"
python3 locale/tools/header.py "$PO"
rm -f locale/pending/*.po
echo "Untranslated:"; msgattrib --untranslated --no-wrap "$PO" | grep -E '^msg(ctxt|id)' | grep -v '^msgid ""$' || true
msgfmt -c --statistics -o locale/vi/LC_MESSAGES/django.mo "$PO"
