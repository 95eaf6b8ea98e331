"""The package's surface: options by the CLI's names, errors as exceptions, types accepted and
returned, the tables (stages, version) as the command prints them."""
import os
import subprocess
import sys

import pytest

import fixtext
from support import FIXTEXT, FIXTURES, cli, needs_cli, read


@needs_cli
def test_version_is_the_commands():
    out = subprocess.run([FIXTEXT, "--version"], capture_output=True, text=True).stdout
    assert out.split("\n")[0] == "fixtext " + fixtext.__version__


@needs_cli
def test_stages_are_the_commands():
    help_text = subprocess.run([FIXTEXT, "--help"], capture_output=True, text=True).stdout
    table = help_text.split("The stages, in order:\n")[1].split("\n\n")[0]
    listed = [line.split()[0] for line in table.splitlines()]
    assert tuple(listed) == ("detect",) + fixtext.stages()
    assert fixtext.stages()[0] == "entities" and "convert" in fixtext.stages()


def test_unchanged_text_is_the_same_object():
    clean = "一段干净的中文。 Plain ASCII too.\n" * 100
    assert fixtext.fix_text(clean) is clean
    ascii_text = "plain ascii\n" * 500
    assert fixtext.fix_text(ascii_text) is ascii_text
    assert fixtext.fix_text("") == ""


def test_str_subclass_gives_str():
    class S(str):
        pass
    got = fixtext.fix_text(S("plain"))
    assert type(got) is str and got == "plain"


def test_bytes_like_inputs():
    data = "中文編碼\n".encode("big5")
    want = "中文編碼\n"
    assert fixtext.fix_bytes(data) == want
    assert fixtext.fix_bytes(bytearray(data)) == want
    assert fixtext.fix_bytes(memoryview(data)) == want
    assert fixtext.fix_bytes(b"") == ""


def test_types_refused():
    with pytest.raises(TypeError, match="fix_bytes"):
        fixtext.fix_text(b"bytes")
    with pytest.raises(TypeError, match="fix_text"):
        fixtext.fix_bytes("str")
    with pytest.raises(TypeError):
        fixtext.fix_text(None)


def test_surrogates_as_ftfy_does():
    # pairs join into their character, lone surrogates become U+FFFD
    assert fixtext.fix_text("a\ud800b\ud83d\ude00") == "a\ufffdb\U0001F600"


def test_nul_and_lines_kept():
    text = "a\x00b\r\nc\rd\n\ne"
    assert fixtext.fix_text(text) == text


def test_option_spellings_agree():
    data = read(os.path.join(FIXTURES, "seeds", "001_f09c55cc5214583c.txt"))
    assert fixtext.fix_bytes(data, skip=["pinyin", "entities"]) == \
        fixtext.fix_bytes(data, skip="pinyin,entities") == \
        fixtext.fix_bytes(data, keep_pinyin=True, keep_entities=True)
    assert fixtext.fix_bytes(data, window="1K") == fixtext.fix_bytes(data, window=1024)
    gbk = "中文\n".encode("gbk")
    assert fixtext.fix_bytes(gbk, from_="GBK") == fixtext.fix_bytes(gbk, encoding="GBK") == "中文\n"
    assert fixtext.fix_bytes(data, no_detect=True) == fixtext.fix_bytes(data, skip="detect")
    assert fixtext.fix_text("網絡", to="simplified") == "网络"
    assert fixtext.fix_text("\ufeffbom", keep_bom=True) == "\ufeffbom"
    assert fixtext.fix_text("\ufeffbom") == "bom"


def test_entities_when():
    # a reference in clean text stays unless asked; one that spells mojibake is restored
    assert fixtext.fix_text("Ctrl+Alt+&lt;key&gt;") == "Ctrl+Alt+&lt;key&gt;"
    assert fixtext.fix_text("Ctrl+Alt+&lt;key&gt;", entities="always") == "Ctrl+Alt+<key>"
    assert fixtext.fix_text("caf&Atilde;&copy; cr&Atilde;&uml;me") == "café crème"
    assert fixtext.fix_text("caf&Atilde;&copy;", entities="never") == \
        fixtext.fix_text("caf&Atilde;&copy;", keep_entities=True) == "caf&Atilde;&copy;"
    with pytest.raises(fixtext.Error):
        fixtext.fix_text("x", entities="sometimes")


def test_module_functions_reuse_fixers():
    assert fixtext._fixer({"to": "simplified"}) is fixtext._fixer({"to": "simplified"})
    assert fixtext._fixer({"skip": ["pinyin"]}) is fixtext._fixer({"skip": ["pinyin"]})


# (options, exception, words of the message); the library's own messages where it checks.
BAD_OPTIONS = [
    (dict(to="klingon"), fixtext.Error, "unknown conversion target 'klingon'"),
    (dict(skip="nosuch"), fixtext.Error, "unknown stage 'nosuch'"),
    (dict(only=["detect", "nosuch"]), fixtext.Error, "unknown stage 'nosuch'"),
    (dict(candidates="FOO"), fixtext.Error, "unknown candidate encoding 'FOO'"),
    (dict(from_="NO-SUCH-ENCODING"), fixtext.Error, "unknown encoding 'NO-SUCH-ENCODING'"),
    (dict(opencc_config="/nonexistent/t2s.json"), fixtext.Error, "/nonexistent/t2s.json"),
    (dict(jobs=0), fixtext.Error, "invalid jobs 0 (1 to 64)"),
    (dict(jobs=65), fixtext.Error, "invalid jobs 65"),
    (dict(window=10), fixtext.Error, "invalid window 10"),
    (dict(window="2G"), fixtext.Error, "invalid window"),
    (dict(window="64X"), fixtext.Error, "invalid window '64X'"),
    (dict(from_="GBK", encoding="BIG5"), fixtext.Error, "give one"),
    (dict(lang="zh\x00"), fixtext.Error, "embedded null"),
    (dict(skip=["a,b"]), fixtext.Error, "contains a comma"),
    (dict(normalization="NFC"), TypeError, "unknown fixtext option 'normalization'"),
    (dict(jobs="2"), TypeError, "jobs= takes an int"),
    (dict(to=1), TypeError, "to= takes a str"),
    (dict(skip=3), TypeError, "skip= takes a str or a list"),
]


@pytest.mark.parametrize("options,exc,words", BAD_OPTIONS, ids=lambda x: repr(x)[:40])
def test_bad_options(options, exc, words):
    with pytest.raises(exc) as info:
        fixtext.Fixer(**options)
    assert words in str(info.value)
    with pytest.raises(exc):
        fixtext.fix_text("text", **options)


def test_error_is_a_value_error():
    assert issubclass(fixtext.Error, ValueError)
    assert fixtext.Error.__module__ == "fixtext"


@needs_cli
@pytest.mark.parametrize("args,options", [
    (["--to=klingon"], dict(to="klingon")),
    (["--skip=nosuch"], dict(skip="nosuch")),
    (["--candidates=FOO"], dict(candidates="FOO")),
    (["--opencc-config=/nonexistent.json"], dict(opencc_config="/nonexistent.json")),
])
def test_library_messages_are_the_commands(args, options):
    r = subprocess.run([FIXTEXT, *args], input=b"x\n", capture_output=True)
    assert r.returncode == 2
    with pytest.raises(fixtext.Error) as info:
        fixtext.Fixer(**options)
    assert str(info.value) in r.stderr.decode()


def test_fixer_cannot_change_or_skip_init():
    fixer = fixtext.Fixer()
    with pytest.raises(TypeError):
        fixer.__init__(to="simplified")
    assert fixer.fix_text("ok") == "ok"
    raw = fixtext.Fixer.__new__(fixtext.Fixer)
    with pytest.raises(RuntimeError):
        raw.fix_text("x")


def test_repr_and_options():
    fixer = fixtext.Fixer(to="simplified", jobs=2)
    assert repr(fixer) == "fixtext.Fixer(to='simplified', jobs=2)"
    assert fixer.options == {"to": "simplified", "jobs": 2}


def test_encodings():
    assert "GB18030" in fixtext.encodings() and "UTF-8" in fixtext.encodings()
    assert fixtext.encoding_supported("GBK") and not fixtext.encoding_supported("NO-SUCH")


MEMORY_CHILD = r"""
import resource, sys
import fixtext
fixer = fixtext.Fixer()
data = ("PersÃ¶nliche Einstellungsdatei fÃ¼r Vim " * 3 + "\n").encode() * 400000  # ~64 MB
soft, hard = resource.getrlimit(resource.RLIMIT_AS)
used = int(open("/proc/self/statm").read().split()[0]) * resource.getpagesize()
resource.setrlimit(resource.RLIMIT_AS, (used + (48 << 20), hard))
try:
    fixer.fix_bytes(data)
    print("no error")
except MemoryError:
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    print("MemoryError", fixer.fix_text("PersÃ¶nliche"))
"""


def test_out_of_memory_is_memory_error():
    """libfixtext's FIXTEXT_ERR_NOMEM (or Python's own, decoding the result) is a MemoryError,
    and the Fixer works again afterwards (the failed context is not reused)."""
    r = subprocess.run([sys.executable, "-c", MEMORY_CHILD], capture_output=True, text=True,
                       timeout=300, env=dict(os.environ, ASAN_OPTIONS="allocator_may_return_null=1"))
    assert r.stdout.strip() == "MemoryError Persönliche", r.stdout + r.stderr


def test_context_not_reused_after_a_wide_input():
    """libfixtext's statistics keep a pointer into a UTF-16/32 input's decoder, freed when the
    input ends: such a context is freed, not pooled (see wide_encoding in _fixtext.c)."""
    fixer = fixtext.Fixer()
    assert fixer._idle_contexts() == (1, 0)
    wide = read(os.path.join(FIXTURES, "detect", "utf16le_bom.txt"))
    text = fixer.fix_bytes(wide)
    assert fixer._idle_contexts() == (0, 0)
    assert fixer.fix_bytes(b"plain\n") == "plain\n" and fixer._idle_contexts() == (1, 0)
    assert fixer.fix_and_explain(wide)[0] == text and fixer._idle_contexts() == (1, 0)
    forced = fixtext.Fixer(from_="UTF-16LE")
    assert forced.fix_bytes("中文\n".encode("utf-16-le")) == "中文\n"
    assert forced._idle_contexts() == (0, 0)
    gbk = fixtext.Fixer(from_="GBK")
    assert gbk.fix_bytes("中文\n".encode("gbk")) == "中文\n" and gbk._idle_contexts() == (1, 0)
