"""fixtext: text of unknown, mixed or damaged encoding to clean UTF-8, line by line.

    import fixtext
    fixtext.fix_text("The Mona Lisa doesnÃ¢â‚¬â„¢t have eyebrows.")   # ftfy.fix_text's place
    fixtext.fix_bytes(open("crawl.txt", "rb").read())             # bytes of unknown encoding
    text, changes = fixtext.fix_and_explain(data)                 # what was done, per line
    fixer = fixtext.Fixer(to="simplified")                        # reuse: options parsed once
    fixer.fix_text(doc)

Options are the fixtext command's long options with underscores: to=, from_= (or encoding=),
candidates=, lang=, skip=, only=, keep_bom=, window=, jobs=, entities=, opencc_config=, opencc_data=, and the
switches no_detect, no_mojibake, keep_entities, keep_pinyin, no_shifted, no_c1. A misspelt option
name is a TypeError, a bad value fixtext.Error (a ValueError) with libfixtext's message.

A Fixer is safe to share between threads and releases the GIL while libfixtext works on inputs of
GIL_RELEASE_MIN bytes or more; it keeps a small pool of library contexts, made again in a forked
child. See python/README.md.
"""
import re as _re

from . import _fixtext
from ._fixtext import Error, encoding_supported, encodings, stages

__all__ = ["fix_text", "fix_bytes", "fix_and_explain", "Fixer", "Error", "stages",
           "stage_counters", "encodings", "encoding_supported", "__version__"]

__version__ = _fixtext.LIBRARY_VERSION
GIL_RELEASE_MIN = _fixtext.GIL_RELEASE_MIN

# Switches: option name -> fixtext_options.flags bit (the CLI's --keep-bom, --no-detect, ...).
_SWITCHES = {
    "keep_bom": _fixtext.KEEP_BOM,
    "no_detect": _fixtext.NO_DETECT,
    "no_mojibake": _fixtext.NO_MOJIBAKE,
    "keep_entities": _fixtext.KEEP_ENTITIES,
    "keep_pinyin": _fixtext.KEEP_PINYIN,
    "no_shifted": _fixtext.NO_SHIFTED,
    "no_c1": _fixtext.NO_C1,
    "jsonl_raw": _fixtext.JSONL_RAW,
}
# String options: option name -> keyword of the C Fixer (a fixtext_options field).
_STRINGS = {
    "to": "convert_to",
    "from_": "from_",
    "encoding": "from_",
    "lang": "lang",
    "opencc_config": "opencc_config",
    "opencc_data": "opencc_data_dir",
}
# Options that take a list of names (or the CLI's comma-separated string).
_LISTS = {"candidates": "candidates", "skip": "skip", "only": "only"}
# Documents: jsonl=True (the "text" field) or the fields (str or list); tsv=True or the columns.
_CONTAINERS = {"jsonl": _fixtext.CONTAINER_JSONL, "tsv": _fixtext.CONTAINER_TSV}
# entities=: when the entities stage decodes HTML references (the CLI's --entities=WHEN)
_ENTITIES = {"auto": 0, "always": _fixtext.ENTITIES_ALWAYS, "never": _fixtext.KEEP_ENTITIES}
_OPTIONS = sorted(set(_SWITCHES) | set(_STRINGS) | set(_LISTS) | set(_CONTAINERS) |
                  {"jobs", "window", "entities"})


def stage_counters():
    """{stage: (fixed counter name, reported counter name)}: the keys of the per-stage counters
    in fix_and_explain's records (None where a stage keeps no such count)."""
    return {name: (fixed, reported) for name, _, fixed, reported in _fixtext.stage_table()}


def _names(option, value):
    if isinstance(value, str):
        return value
    try:
        items = list(value)
    except TypeError:
        raise TypeError(f"{option}= takes a str or a list of str, not {type(value).__name__}") from None
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"{option}= takes a list of str, not of {type(item).__name__}")
        if "," in item:
            raise Error(f"{option}=: name {item!r} contains a comma")
    return ",".join(items)


def _number(option, value, low, high, suffixes=False):
    """An int in [low, high]; with suffixes also a str like the CLI's "64K" (powers of 1024)."""
    if isinstance(value, str) and suffixes:
        m = _re.fullmatch(r"([0-9]+)([KkMmGg]?)", value)
        if not m:
            raise Error(f"invalid {option} {value!r} (a number of bytes; suffix K, M or G)")
        value = int(m.group(1)) << (10 * " kmg".index(m.group(2).lower() or " "))
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{option}= takes an int, not {type(value).__name__}")
    if not low <= value <= high:
        raise Error(f"invalid {option} {value} ({low} to {high})")
    return value


def _c_options(options):
    """The options of the public API as the C Fixer's keywords (fixtext_options fields)."""
    kw = {}
    flags = 0
    for name, value in options.items():
        if name in _SWITCHES:
            if value:
                flags |= _SWITCHES[name]
        elif name in _STRINGS:
            if value is None:
                continue
            if not isinstance(value, str):
                raise TypeError(f"{name}= takes a str, not {type(value).__name__}")
            field = _STRINGS[name]
            if field in kw:
                raise Error("from_= and encoding= name the same option: give one")
            kw[field] = value
        elif name in _LISTS:
            if value is not None:
                kw[_LISTS[name]] = _names(name, value)
        elif name in _CONTAINERS:
            if value is None or value is False:
                continue
            if "container" in kw:
                raise Error("jsonl= and tsv= cannot be used together")
            kw["container"] = _CONTAINERS[name]
            if value is not True:
                if name == "tsv" and not isinstance(value, str):
                    value = [str(v) for v in value]
                kw["fields"] = _names(name, value)
        elif name == "entities":
            if value is not None:
                if value not in _ENTITIES:
                    raise Error(f"invalid entities {value!r} (use auto, always or never)")
                flags |= _ENTITIES[value]
        elif name == "jobs":
            if value is not None:
                kw["jobs"] = _number("jobs", value, 1, _fixtext.MAX_JOBS)
        elif name == "window":
            if value is not None:
                kw["window"] = _number("window", value, _fixtext.MIN_WINDOW,
                                       _fixtext.MAX_WINDOW, suffixes=True)
        else:
            raise TypeError(f"unknown fixtext option {name!r} (options: {', '.join(_OPTIONS)})")
    if flags & _fixtext.JSONL_RAW and kw.get("container") != _fixtext.CONTAINER_JSONL:
        raise Error("jsonl_raw= needs jsonl=")
    kw["flags"] = flags
    return kw


class Fixer(_fixtext.Fixer):
    """A reusable fixer: Fixer(**options), then fix_text(str), fix_bytes(bytes) and
    fix_and_explain(str or bytes), as often as wanted, from any number of threads.

    The options are parsed and checked once, here (fixtext.Error for a bad one). Each call borrows
    a libfixtext context from the Fixer's pool, so calls cost no set-up; the GIL is released while
    libfixtext works. A Fixer pickles (by its options), so it can be sent to worker processes."""

    __slots__ = ("_options",)

    def __init__(self, **options):
        self._options = dict(options)
        super().__init__(**_c_options(options))

    @property
    def options(self):
        """The options this Fixer was made with (a copy)."""
        return dict(self._options)

    def __reduce__(self):
        return (_fixer_from_options, (self._options,))

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self._options.items())
        return f"fixtext.Fixer({args})"


def _fixer_from_options(options):
    return Fixer(**options)


# Module-level functions keep one Fixer per distinct set of options, so that calling
# fix_text(doc, to="simplified") a million times parses the options and loads OpenCC once.
_CACHE_MAX = 32
_fixers = {}


def _hashable(value):
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(value)
    return value


def _fixer(options):
    try:
        key = tuple(sorted((k, _hashable(v)) for k, v in options.items()))
        fixer = _fixers.get(key)
    except TypeError:  # an unhashable value: no caching, Fixer() says what is wrong
        return Fixer(**options)
    if fixer is None:
        fixer = Fixer(**options)
        if len(_fixers) >= _CACHE_MAX:
            _fixers.clear()
        _fixers[key] = fixer
    return fixer


def fix_text(text, **options):
    """The text with its encoding damage repaired, line by line: a drop-in for ftfy.fix_text
    (fixtext's own options, not ftfy's). Returns the same str object when nothing changed."""
    return _fixer(options).fix_text(text)


def fix_bytes(data, **options):
    """Bytes of unknown, mixed or damaged encoding (each line detected on its own) as clean
    text: the same as the fixtext command's output, decoded."""
    return _fixer(options).fix_bytes(data)


def fix_and_explain(text_or_bytes, **options):
    """(fixed text, records): one dict per line (or window of a line longer than window=) that
    changed, has a warning, or that a stage counted: line, changed, partial, encoding, score,
    explain, invalid_sequences, replacement_chars, warnings, and every stage counter by its name
    (see stage_counters())."""
    return _fixer(options).fix_and_explain(text_or_bytes)
