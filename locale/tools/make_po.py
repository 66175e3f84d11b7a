"""Write /tmp/web_vi.po and /tmp/overrides_vi.po (compendia) from vi_web.py; argv[1] is a catalogue giving plural msgids."""
import sys
import os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vi_web import T, P, C, OVERRIDES

def q(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

# Plural singular msgids need their plural msgid: read it from the merged catalogue.
import re
text = open(sys.argv[1], encoding="utf-8").read()
plurals = {}
for m in re.finditer(r'msgid ((?:".*"\n)+)msgid_plural ((?:".*"\n)+)', text):
    unq = lambda block: "".join(eval(line) for line in block.strip().split("\n"))
    plurals[unq(m.group(1))] = unq(m.group(2))
out = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', '"Plural-Forms: nplurals=1; plural=0;\\n"', ""]
for k, v in T.items():
    out += [f"msgid {q(k)}", f"msgstr {q(v)}", ""]
for (k,), v in P.items():
    if k not in plurals:
        print("no plural for", k, file=sys.stderr); continue
    out += [f"msgid {q(k)}", f"msgid_plural {q(plurals[k])}", f"msgstr[0] {q(v)}", ""]
for (ctx, k), v in C.items():
    out += [f"msgctxt {q(ctx)}", f"msgid {q(k)}", f"msgstr {q(v)}", ""]
open("/tmp/web_vi.po", "w", encoding="utf-8").write("\n".join(out))
head = out[:5]
for k, v in OVERRIDES.items():
    head += [f"msgid {q(k)}", f"msgstr {q(v)}", ""]
open("/tmp/overrides_vi.po", "w", encoding="utf-8").write("\n".join(head))
