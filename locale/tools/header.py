"""Give the Vietnamese catalogue a real header (makemessages writes placeholders and marks it fuzzy)."""
import re
import sys

path = sys.argv[1]
text = open(path, encoding="utf-8").read()
text = re.sub(r'\A(#.*\n)*msgid ""', "# Vietnamese translations of the Reform compliance dashboard (Vietnamese is the users' language).\nmsgid \"\"", text, count=1)
for old, new in [
    ("Project-Id-Version: PACKAGE VERSION", "Project-Id-Version: reform-compliance-dashboard"),
    ("PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE", "PO-Revision-Date: 2026-11-23 23:30+0700"),
    ("Last-Translator: FULL NAME <EMAIL@ADDRESS>", "Last-Translator: Reform compliance dashboard team"),
    ("Language-Team: LANGUAGE <LL@li.org>", "Language-Team: Vietnamese"),
    ('"Language: \\n"', '"Language: vi\\n"'),
]:
    text = text.replace(old, new)
open(path, "w", encoding="utf-8").write(text)
