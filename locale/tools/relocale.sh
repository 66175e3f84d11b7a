#!/bin/sh
# Rebuild locale/vi/LC_MESSAGES/django.po from the sources: the strings makemessages finds, translated from
# (in order) the overrides of vi_web.py, every locale/pending/*.po, the previous catalogue, then vi_web.py.
set -e
cd "$(dirname "$0")/../.."
PO=locale/vi/LC_MESSAGES/django.po
cp "$PO" /tmp/previous_vi.po 2>/dev/null || : > /tmp/previous_vi.po
rm -f "$PO"
DJANGO_SETTINGS_MODULE=reform.settings.local .venv/bin/python manage.py makemessages -l vi --ignore=.venv --ignore=staticfiles --ignore=benchmarks --ignore=tests --no-obsolete >/dev/null
python3 locale/tools/make_po.py "$PO"
msgcat --use-first /tmp/overrides_vi.po locale/pending/*.po /tmp/previous_vi.po /tmp/web_vi.po -o /tmp/comp.po
msgmerge -q -N --compendium=/tmp/comp.po "$PO" "$PO" -o /tmp/merged.po
python3 locale/tools/fix_plurals.py /tmp/merged.po /tmp/comp.po "$PO"
python3 locale/tools/header.py "$PO"
echo "Untranslated:"; msgattrib --untranslated --no-wrap "$PO" | grep -E '^msg(ctxt|id)' | grep -v '^msgid ""$' || true
msgfmt -c --statistics -o locale/vi/LC_MESSAGES/django.mo "$PO"
