#!/usr/bin/env python3
"""End-to-end test of --jsonl and --tsv: corpus shards whose lines are documents.

Documents are made from real text: the seeds (web pages with stray pinyin annotations), the
mojibake fixture's inputs (text broken by real codecs) and seed text encoded with Python's GBK
and Big5 codecs, written by json.dumps in both its styles (escaped non-ASCII, and raw). What is
checked is behaviour, not remembered answers: a repaired field is exactly what fixtext makes of
the same text given alone as a file; everything else in the line stays byte for byte; the line
stays valid JSON in the style it came in; documents do not influence each other; lines that are
not JSON pass through and are counted.
Usage: e2e_jsonl.py FIXTEXT_BINARY"""
import functools
import gzip
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

from e2e_common import check, finish, run_in_pieces

FIXTEXT = os.path.abspath(sys.argv[1])
SOURCE = os.environ.get("FIXTEXT_SOURCE", os.path.join(os.path.dirname(__file__), ".."))
FIXTURES = os.path.join(SOURCE, "fixtures")


def fixtext(args, data):
    r = subprocess.run([FIXTEXT] + args, input=data, capture_output=True, timeout=300)
    return r.returncode, r.stdout, r.stderr


@functools.lru_cache(maxsize=None)
def alone(text, args=()):
    """What fixtext makes of text given alone, as a file of its own (no final terminator, so
    none comes back)."""
    rc, out, _ = fixtext(list(args) + ["-q"], text.encode("utf-8"))
    return out.decode("utf-8")


def seed_lines():
    lines = []
    seeds = os.path.join(FIXTURES, "seeds")
    for name in sorted(os.listdir(seeds)):
        for line in open(os.path.join(seeds, name), encoding="utf-8", errors="replace").read().splitlines():
            if line.strip():
                lines.append(line)
    return lines


def mojibake_inputs():
    path = os.path.join(FIXTURES, "mojibake", "cases.jsonl")
    return [json.loads(line)["input"] for line in open(path, encoding="utf-8")]


def texts():
    """Single-line texts: seed lines (many with pinyin annotations) and mojibake inputs."""
    return seed_lines()[:300] + mojibake_inputs()


def documents(rng, with_newlines):
    """(text, other fields) pairs; some texts are several seed lines joined by newlines."""
    seeds = seed_lines()
    docs = []
    for i, text in enumerate(texts()):
        if with_newlines and i % 5 == 0:
            start = rng.randrange(len(seeds))
            text = "\n".join(seeds[start:start + rng.randint(2, 6)])
        docs.append({"id": i, "url": "https://example.org/a?x=1&amp;y=2", "text": text,
                     "score": 0.5 + i, "tags": ["a", None, True]})
    return docs


def pairs(line):
    return json.loads(line, object_pairs_hook=list)


def test_fields_repaired_as_alone(rng):
    docs = documents(rng, with_newlines=True)
    for ensure_ascii in (True, False):
        style = "escaped" if ensure_ascii else "raw"
        data = "".join(json.dumps(d, ensure_ascii=ensure_ascii) + "\n" for d in docs).encode("utf-8")
        rc, out, err = fixtext(["--jsonl"], data)
        check(f"{style}: exit 0", rc == 0, err[-300:])
        lines_in, lines_out = data.splitlines(), out.splitlines()
        check(f"{style}: one output line per document", len(lines_in) == len(lines_out),
              (len(lines_in), len(lines_out)))
        wrong = changed = style_broken = others_changed = 0
        for doc, line_in, line_out in zip(docs, lines_in, lines_out):
            got = json.loads(line_out)
            if got["text"] != alone(doc["text"]):
                wrong += 1
            changed += line_in != line_out
            if ensure_ascii and not line_out.isascii():
                style_broken += 1
            if not ensure_ascii and line_out != line_in and b"\\u" in line_out:
                style_broken += 1
            others_in = [kv for kv in pairs(line_in) if kv[0] != "text"]
            others_out = [kv for kv in pairs(line_out) if kv[0] != "text"]
            keys_in = [kv[0] for kv in pairs(line_in)]
            keys_out = [kv[0] for kv in pairs(line_out)]
            if others_in != others_out or keys_in != keys_out:
                others_changed += 1
            # the bytes around the text field are the input's
            head = line_in.split(b'"text": "', 1)[0]
            tail = line_in.split(b'"score": ', 1)[1]
            if not (line_out.startswith(head) and line_out.endswith(tail)):
                others_changed += 1
        check(f"{style}: every text field is what fixtext makes of it alone", wrong == 0,
              f"{wrong} of {len(docs)}")
        check(f"{style}: some documents were repaired (pinyin, mojibake)", changed > 100, changed)
        check(f"{style}: lines keep their style (escaped stays ASCII, raw stays raw)",
              style_broken == 0, style_broken)
        check(f"{style}: other fields, key order and spacing byte for byte", others_changed == 0,
              others_changed)


def test_unchanged_documents_byte_for_byte():
    clean = [t for t in texts() if alone(t) == t][:200]
    docs = [{"text": t, "n": 1.5e3, "nested": {"text": "&amp;"}} for t in clean]
    for ensure_ascii in (True, False):
        data = "".join(json.dumps(d, ensure_ascii=ensure_ascii) + "\n" for d in docs).encode("utf-8")
        rc, out, err = fixtext(["--jsonl"], data)
        check(f"clean documents (ensure_ascii={ensure_ascii}) come out byte for byte",
              rc == 0 and out == data and len(clean) > 100, (rc, len(clean)))


def test_style_details():
    # upper-case hex and escaped slashes: a repaired string is written the same way (its "&lt;"
    # spells no mojibake and stays)
    line = b'{"text":"caf\\u00C3\\u00A9 \\/ a&lt;b","x":"\\u00C3\\u00A9"}\n'
    rc, out, _ = fixtext(["--jsonl"], line)
    check("upper-case hex and \\/ kept in a repaired string", out == b'{"text":"caf\\u00E9 \\/ a&lt;b","x":"\\u00C3\\u00A9"}\n', out)
    # characters beyond the BMP as surrogate pairs; --jsonl-raw writes UTF-8
    line = json.dumps({"text": "\U0001F600 caf\u00c3\u00a9"}).encode() + b"\n"
    rc, out, _ = fixtext(["--jsonl"], line)
    check("escaped style: a repaired emoji is a surrogate pair", json.loads(out)["text"] == "\U0001F600 caf\u00e9"
          and b"\\ud83d\\ude00" in out and out.isascii(), out)
    rc, out, _ = fixtext(["--jsonl", "--jsonl-raw"], line)
    check("--jsonl-raw writes repaired text as UTF-8", out.decode() == '{"text": "\U0001F600 caf\u00e9"}\n', out)
    # the example: a decoded &quot; stays inside the string (references in clean text are
    # decoded only when asked)
    rc, out, _ = fixtext(["--jsonl", "--entities=always"], b'{"text": "He said &quot;hi&quot;"}\n')
    check("&quot; decoded inside a JSON string keeps the line valid JSON",
          json.loads(out) == {"text": 'He said "hi"'}, out)
    # references to a backslash and a control character are escaped, never raw
    rc, out, _ = fixtext(["--jsonl", "--entities=always"],
                         b'{"text": "a&#92;b &#x5C; tab&#9;x &bsol;"}\n')
    try:
        ok = "\\" in json.loads(out)["text"]
    except ValueError:
        ok = False
    check("references to backslash or tab leave valid JSON", ok, out)
    # a lone surrogate in a chosen value: valid JSON, the value is left as it is, no warning
    line = b'{"text": "\\ud800 caf\\u00c3\\u00a9", "title": "caf\\u00c3\\u00a9"}\n'
    rc, out, err = fixtext(["--jsonl=text,title"], line)
    check("lone surrogate: that value as it was, the others repaired, no warning",
          out == b'{"text": "\\ud800 caf\\u00c3\\u00a9", "title": "caf\\u00e9"}\n' and not err, (out, err))


def test_field_choice():
    doc = {"text": "caf\u00c3\u00a9", "title": "na\u00c3\u00afve",
           "meta": {"title": "r\u00c3\u00a9sum\u00c3\u00a9", "list": ["\u00c3\u00a9t\u00c3\u00a9"]},
           "caf\u00c3\u00a9": 1}
    line = json.dumps(doc, ensure_ascii=False).encode() + b"\n"
    got = lambda args: json.loads(fixtext(args, line)[1], object_pairs_hook=dict)
    d = got(["--jsonl"])
    check("default field is text alone", d["text"] == "café" and d["title"] == doc["title"], d)
    d = got(["--jsonl=title,meta.title"])
    check("names and dotted paths", d["text"] == doc["text"] and d["title"] == "naïve" and
          d["meta"]["title"] == "résumé" and d["meta"]["list"] == doc["meta"]["list"], d)
    d = got(["--jsonl=meta.list[0]"])
    check("array elements by index", d["meta"]["list"] == ["été"], d)
    d = got(["--jsonl=*"])
    check("* repairs every string value, never a key",
          d["text"] == "café" and d["meta"]["list"] == ["été"] and "caf\u00c3\u00a9" in d, d)
    rc, _, err = fixtext(["--jsonl=text,,x"], line)
    check("an empty field name is a usage error (exit 2)", rc == 2 and b"field" in err, err)
    rc, _, err = fixtext(["--tsv=0"], line)
    check("column 0 is a usage error", rc == 2, err)
    rc, _, err = fixtext(["--jsonl", "--tsv"], line)
    check("--jsonl with --tsv is a usage error", rc == 2, err)
    rc, _, err = fixtext(["--jsonl-raw"], line)
    check("--jsonl-raw without --jsonl is a usage error", rc == 2, err)


def test_not_json_passes_through(tmp):
    good = [json.dumps({"text": t}) for t in texts()[:50]]
    bad = ['{"text": "unterminated', "{'text': 'single quotes'}", '{"text": "x",}', '{"text": NaN}',
           '{"text": "raw\ttab"}', "plain text line", '{"a":1} {"b":2}', "[" * 200000]
    lines = good[:]
    where = []
    for i, b in enumerate(bad):
        at = 3 + i * 6
        lines.insert(at, b)
        where.append(at + 1)
    lines.insert(10, "   ")  # blank: passed through, not counted
    where = sorted(w + (w > 10) for w in where)
    data = ("\n".join(lines) + "\n").encode()
    path = os.path.join(tmp, "mixed.jsonl")
    open(path, "wb").write(data)
    r = subprocess.run([FIXTEXT, "--jsonl", "--stats=json", path], capture_output=True, timeout=60)
    out_lines = r.stdout.split(b"\n")
    kept = all(out_lines[w - 1] == lines[w - 1].encode() for w in where)
    check("lines that are not JSON pass through unchanged", r.returncode == 0 and kept, r.stderr[-300:])
    warnings = [l for l in r.stderr.decode().splitlines() if "warning" in l]
    check("one warning for the file, naming it and the first such line",
          len(warnings) == 1 and f"{path}:{where[0]}:" in warnings[0] and f"({len(bad)} such lines" in warnings[0],
          warnings)
    stats = json.loads(r.stderr.decode().splitlines()[-1])
    check("--stats=json counts them", stats["not_documents"] == len(bad), stats.get("not_documents"))
    rc, out, err = fixtext(["--jsonl", "-q"], data)
    check("-q: no warning", not err, err)


def test_documents_independent(rng):
    docs = documents(rng, with_newlines=False)
    lines = [json.dumps(d, ensure_ascii=False) for d in docs]
    data = ("\n".join(lines) + "\n").encode()
    _, out, _ = fixtext(["--jsonl"], data)
    by_doc = dict(zip(lines, out.decode().splitlines()))
    order = list(range(len(lines)))
    rng.shuffle(order)
    shuffled = ("\n".join(lines[i] for i in order) + "\n").encode()
    _, out2, _ = fixtext(["--jsonl"], shuffled)
    same = all(by_doc[lines[i]] == got for i, got in zip(order, out2.decode().splitlines()))
    check("a document's output does not depend on its neighbours (shuffled order)", same)


def test_short_utf8_documents_stay():
    """Rows of the character tables man pages print (charset(7), iso_8859-*(7)): one non-ASCII
    character per document, made with Python's codecs. JSON is UTF-8, so they stay as they are;
    detected alone they were once read as GBK."""
    import unicodedata
    docs = []
    for codec in ("koi8_u", "iso8859_2", "iso8859_5", "iso8859_7", "iso8859_15", "cp1252"):
        for b in range(0xA0, 0x100):
            try:
                ch = bytes([b]).decode(codec)
                name = unicodedata.name(ch)
            except (UnicodeDecodeError, ValueError):
                continue
            docs.append({"text": f"{b:o}\t{b}\t{b:02X}\t{ch}\t{name}"})
    for ensure_ascii in (True, False):
        data = "".join(json.dumps(d, ensure_ascii=ensure_ascii) + "\n" for d in docs).encode()
        rc, out, _ = fixtext(["--jsonl"], data)
        changed = sum(a != b for a, b in zip(data.splitlines(), out.splitlines()))
        check(f"short valid UTF-8 documents stay as they are (ensure_ascii={ensure_ascii})",
              changed == 0 and len(docs) > 400, f"{changed} of {len(docs)}")


def gbk_documents():
    """Seed text encoded with real legacy codecs and written into JSON strings as raw bytes, as a
    crawler that never decoded it does (a byte-level writer escapes '"' and '\\')."""
    out = []
    for i, text in enumerate(alone(t).rstrip("\n") for t in seed_lines()[:120]):
        codec = ("gbk", "big5")[i % 2]
        try:
            raw = text.encode(codec)
        except UnicodeEncodeError:
            continue
        body = raw.replace(b"\\", b"\\\\").replace(b'"', b'\\"')
        out.append((text, b'{"id": %d, "text": "' % i + body + b'"}'))
    return out


def test_legacy_bytes_in_strings():
    docs = gbk_documents()
    data = b"\n".join(raw for _, raw in docs) + b"\n"
    rc, out, err = fixtext(["--jsonl"], data)
    got = [json.loads(l)["text"] for l in out.splitlines()]
    right = sum(g == t for g, (t, _) in zip(got, docs))
    check("GBK/Big5 bytes inside JSON strings are decoded (>= 95% of documents exactly)",
          right >= 0.95 * len(docs), f"{right} of {len(docs)}")


def test_determinism_and_compression(tmp, rng):
    docs = documents(rng, with_newlines=True)
    data = "".join(json.dumps(d, ensure_ascii=i % 2 == 0) + "\n" for i, d in enumerate(docs)).encode()
    data = data * 3 + b"not json\n"
    _, want, _ = fixtext(["--jsonl=*"], data)
    _, j2, _ = fixtext(["--jsonl=*", "-j", "2"], data)
    check("-j 2 gives the same bytes", j2 == want)
    for seed in range(3):
        r = random.Random(seed)
        sizes = iter(lambda: r.choice([1, 7, 100, 4096, 65536]), None)
        rc, out, _ = run_in_pieces([FIXTEXT, "--jsonl=*", "-q"], data, sizes)
        check(f"any read size gives the same bytes (pieces seed {seed})", out == want)
    shards = []
    for i in range(3):
        p = os.path.join(tmp, f"shard-{i}.jsonl.gz")
        open(p, "wb").write(gzip.compress(data[i * 1000:]))
        shards.append(p)
    target = os.path.join(tmp, "clean.jsonl.zst")
    r = subprocess.run([FIXTEXT, "--jsonl=*", "-j", "2", "-q"] + shards + ["-o", target],
                       capture_output=True, timeout=300)
    expect = b"".join(fixtext(["--jsonl=*", "-q"], gzip.decompress(open(s, "rb").read()))[1] for s in shards)
    got = subprocess.run([FIXTEXT, "--no-detect", "--only=", target], capture_output=True).stdout \
        if not shutil.which("zstd") else subprocess.run(["zstd", "-dc", target], capture_output=True).stdout
    check("--jsonl -j 2 shard-*.jsonl.gz -o clean.jsonl.zst", r.returncode == 0 and got == expect,
          r.stderr[-300:])


def test_hostile_nesting():
    deep = b"[" * 1000000 + b'"caf\\u00c3\\u00a9"' + b"]" * 1000000 + b"\n"
    r = subprocess.run([FIXTEXT, "--jsonl=*"], input=deep, capture_output=True, timeout=60)
    check("a million levels of nesting: parsed without recursion, the string repaired",
          r.returncode == 0 and r.stdout == deep.replace(b"\\u00c3\\u00a9", b"\\u00e9"), r.stderr[-200:])
    r = subprocess.run([FIXTEXT, "--jsonl=*", "-q"], input=b"{" * 2000000 + b"\n", capture_output=True, timeout=60)
    check("two million open braces: passed through", r.returncode == 0 and r.stdout == b"{" * 2000000 + b"\n")
    r = subprocess.run([FIXTEXT, "--jsonl", "--window=1K"], input=json.dumps({"text": "caf\u00c3\u00a9 " * 400}).encode() + b"\n",
                       capture_output=True, timeout=60)
    check("a document longer than --window passes through, with a warning",
          r.returncode == 0 and b"caf\\u00c3\\u00a9" in r.stdout and b"longer than --window" in r.stderr, r.stderr)


def test_tsv():
    rows = []
    texts_ = texts()[:200]
    for i in range(0, len(texts_) - 1, 2):
        rows.append((str(i), texts_[i], texts_[i + 1] + " a&#9;b"))
    data = "".join("\t".join(r) + "\n" for r in rows).encode()
    rc, out, _ = fixtext(["--tsv=2,3"], data)
    got = [l.split("\t") for l in out.decode().splitlines()]
    check("TSV: every row keeps its three columns (a decoded &#9; never splits one)",
          all(len(g) == 3 for g in got) and len(got) == len(rows))
    # the row is the document: its chosen columns are read together, as the lines of a file
    wrong = sum(g[1] != alone(r[1] + "\n" + r[2]).split("\n")[0] for g, r in zip(got, rows))
    check("TSV: a chosen column is what fixtext makes of it in a file of the row's columns",
          wrong == 0, wrong)
    rc, out, _ = fixtext(["--tsv=3"], data)
    got = [l.split("\t") for l in out.decode().splitlines()]
    check("TSV: columns not chosen are byte for byte", all(g[1] == r[1] and g[0] == r[0] for g, r in zip(got, rows)))


def test_explain_json():
    docs = [{"text": t, "title": "caf\u00c3\u00a9"} for t in texts()[:40]]
    data = "".join(json.dumps(d) + "\n" for d in docs).encode()
    r = subprocess.run([FIXTEXT, "--jsonl=text,title", "--explain=json", "-o", "/dev/null"], input=data,
                       capture_output=True, timeout=60)
    records = [json.loads(l) for l in r.stderr.decode().splitlines()]
    titles = [x for x in records if x["field"] == "title"]
    check("--explain=json: one record per changed field, with its line",
          len(titles) == len(docs) and [x["line"] for x in titles] == list(range(1, len(docs) + 1)),
          len(titles))
    check("--explain=json: records say what was done", all(x["explain"] for x in records))


def main():
    rng = random.Random(7)
    tmp = tempfile.mkdtemp(prefix="fixtext-jsonl-")
    try:
        test_fields_repaired_as_alone(rng)
        test_unchanged_documents_byte_for_byte()
        test_style_details()
        test_field_choice()
        test_not_json_passes_through(tmp)
        test_documents_independent(rng)
        test_legacy_bytes_in_strings()
        test_short_utf8_documents_stay()
        test_determinism_and_compression(tmp, rng)
        test_hostile_nesting()
        test_tsv()
        test_explain_json()
    finally:
        shutil.rmtree(tmp)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
