"""Fill Vietnamese plural entries (nplurals=1: one msgstr[0]) from a compendium; drop msgstr[1]."""
import re, sys
src, comp, dst = sys.argv[1:4]

def unq(lines):
    return "".join(eval(l[l.index('"'):]) for l in lines)

def parse(text):
    for block in text.split("\n\n"):
        yield block

def field(block, name):
    lines = block.split("\n"); out = []; on = False
    for line in lines:
        if line.startswith(name + " "):
            on = True; out.append(line[len(name) + 1:]); continue
        if on and line.startswith('"'):
            out.append(line); continue
        on = False
    return unq(out) if out else None

comp_text = open(comp, encoding="utf-8").read()
trans = {}
for block in parse(comp_text):
    if "msgid_plural" in block:
        trans[field(block, "msgid")] = field(block, "msgstr[0]")

def q(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

blocks = []
for block in parse(open(src, encoding="utf-8").read()):
    if "msgid_plural" in block and not block.lstrip().startswith("#~"):
        msgid = field(block, "msgid")
        current = field(block, "msgstr[0]") or trans.get(msgid, "")
        if not current:
            print("untranslated plural:", msgid, file=sys.stderr)
        keep = block.split("\nmsgstr[0]")[0]
        block = keep + "\nmsgstr[0] " + q(current)
    blocks.append(block)
open(dst, "w", encoding="utf-8").write("\n\n".join(blocks))
