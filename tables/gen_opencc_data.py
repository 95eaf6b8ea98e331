#!/usr/bin/env python3
"""Generates tables/opencc/: OpenCC's current dictionaries as text, and configurations in the
schema Debian's libopencc 1.1.6 reads, for every conversion OpenCC 1.4.2 ships (s2hkp and hk2sp
included, which Debian's data lacks). The build turns each text dictionary into .ocd with
opencc_dict and installs them with the configurations (see tables/opencc/meson.build).

Source: npm's `opencc` package, version 1.4.2 (Apache-2.0), fetched by name with the ordinary npm
client (`npm pack`, no install scripts run) and checked against the integrity hash pinned below
before anything is read from it. Its prebuilds/assets/*.ocd2 are OpenCC's built dictionaries (the
data/dictionary/*.txt sources lack the generated ones: the *Rev reversals, TSCharactersExt,
STPhrases_GeneratedFromRegionalPhrases); they are read back to text with Debian's opencc_dict.

Why text in git: reviewable diffs when the data moves on, and tables/gen_script.py reads it without
any OpenCC tool. Why new configurations: the package's own use a schema 1.1.6 rejects. They are
translated to the old one without changing what a conversion gives:
  - "normalization" (CJK compatibility ideographs, a pre-pass before segmentation, which 1.1.6
    lacks) becomes a configuration of its own, normalize.json, that fixtext runs first on the
    lines holding such a character (`opencc -c` with these files skips it);
  - a group with "match_policy": "union" (the longest match of any of its dictionaries, the first
    dictionary's on a tie) becomes one merged dictionary, which gives the same longest match;
    "short_circuit" groups are what 1.1.6's groups do already;
  - consecutive dictionaries of single-character keys in a group become one (the first one's
    entry wins): the same match with one look-up (TSCharactersExt_TSCharacters);
  - "may_output_tofu" dictionaries are kept (1.4.2 includes them unless told otherwise);
  - a configuration without "segmentation" (the whole text one segment; all have one conversion
    step) gets NoSegmentation, whose one key is the noncharacter U+FDD0: 1.1.6 requires a
    segmentation, and one that matches nothing keeps the text one segment.

The build turns the text dictionaries into .ocd (see FORMAT) with opencc_dict.
Usage: tables/gen_opencc_data.py   (needs npm and opencc_dict; run by hand, output committed)
"""
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

PACKAGE = "opencc"
VERSION = "1.4.2"
INTEGRITY = ("sha512-fAo8GJy0XhFyw9zIsEHmEVKL+qK8qbw0hcCjqKN5cn2UA7FPOU6b13xpqpSUf8mLNLhBMmIVZu6J"
             "+fEjJ2KcyQ==")
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "opencc")
NORMALIZATION = "CJK_Compatibility_Ideographs"
# The binary form the build makes of each text dictionary: "ocd" (a double array, DartsDict) gives
# the same matches as "ocd2" (a marisa trie, 1.4's form) and libopencc 1.1.6 looks keys up in it
# about three times faster; the files are larger (5 MB installed instead of 1.3 MB).
FORMAT = "ocd"


def name_of(d):
    """The dictionary name of a translated leaf ({"type": FORMAT, "file": NAME.FORMAT})."""
    return d["file"].rsplit(".", 1)[0]


def fetch(tmp):
    """Packs opencc@VERSION from the registry into tmp; returns the tarball's path."""
    subprocess.run(["npm", "pack", "--ignore-scripts", "--loglevel=warn", "--pack-destination", tmp,
                    "%s@%s" % (PACKAGE, VERSION)], check=True, stdout=subprocess.DEVNULL)
    path = os.path.join(tmp, "%s-%s.tgz" % (PACKAGE, VERSION))
    with open(path, "rb") as f:
        got = "sha512-" + base64.b64encode(hashlib.sha512(f.read()).digest()).decode()
    if got != INTEGRITY:
        sys.exit("gen_opencc_data.py: %s integrity %s, expected %s" % (path, got, INTEGRITY))
    return path


def read_dict(opencc_dict, ocd2, tmp):
    """[(key, [candidates])] of one .ocd2 dictionary, as opencc_dict writes it out."""
    txt = os.path.join(tmp, os.path.basename(ocd2) + ".txt")
    subprocess.run([opencc_dict, "-i", ocd2, "-o", txt, "-f", "ocd2", "-t", "text"], check=True,
                   stdout=subprocess.DEVNULL)
    entries = []
    with open(txt, encoding="utf-8") as f:
        for line in f:
            key, _, values = line.rstrip("\n").partition("\t")
            entries.append((key, values.split(" ")))
    return entries


class Translator:
    """Turns 1.4.2 configurations into 1.1.6 ones, writing the merged dictionaries they need."""

    def __init__(self, dicts):
        self.dicts = dicts            # name -> {key: candidates}, insertion ordered
        self.used = set()

    def merged(self, names):
        """A union group as one dictionary: the longest key wins, the first dictionary on ties."""
        name = "".join(names[:1]) + "".join("+" + n for n in names[1:])
        name = name.replace("STPhrases+STPhrases_GeneratedFromRegionalPhrases", "STPhrasesUnion")
        if name not in self.dicts:
            d = {}
            for n in names:
                for k, v in self.dicts[n].items():
                    d.setdefault(k, v)
            self.dicts[name] = d
        return name

    def leaf(self, name):
        self.used.add(name)
        return {"type": FORMAT, "file": name + "." + FORMAT}

    def dict(self, doc):
        if doc["type"] != "group":
            return self.leaf(doc["file"][:-len(".ocd2")])
        if doc.get("match_policy") == "union":
            if any(d["type"] == "group" for d in doc["dicts"]):
                sys.exit("gen_opencc_data.py: nested group inside a union group")
            return self.leaf(self.merged([d["file"][:-len(".ocd2")] for d in doc["dicts"]]))
        parts = [self.dict(d) for d in doc["dicts"]]
        return {"type": "group", "dicts": self.merge_characters(parts)}

    def single(self, d):
        return d["type"] != "group" and all(len(k) == 1 for k in self.dicts[name_of(d)])

    def merge_characters(self, parts):
        """Consecutive dictionaries of single-character keys in a short-circuit group as one
        (the first one's entry wins): the same match, one look-up instead of several."""
        out = []
        for p in parts:
            if out and self.single(p) and self.single(out[-1]):
                first = name_of(out.pop())
                name = first + "_" + name_of(p)
                d = dict(self.dicts[first])
                for k, v in self.dicts[name_of(p)].items():
                    d.setdefault(k, v)
                self.dicts[name] = d
                p = self.leaf(name)
            out.append(p)
        return out

    def config(self, doc):
        chain = [{"dict": self.dict(step["dict"])} for step in doc["conversion_chain"]]
        if "segmentation" in doc:
            seg = self.dict(doc["segmentation"]["dict"])
        else:
            # 1.4: the whole text is one segment. 1.1.6 needs a segmentation: one that never
            # matches text (NoSegmentation's one key is the noncharacter U+FDD0, kept as it is
            # and in no other key) gives that, at the least cost per character.
            if len(chain) != 1:
                sys.exit("gen_opencc_data.py: no segmentation and several conversion steps")
            self.dicts["NoSegmentation"] = {"\ufdd0": ["\ufdd0"]}
            seg = self.leaf("NoSegmentation")
        if doc.get("normalization") != NORMALIZATION_STEP:
            sys.exit("gen_opencc_data.py: unexpected normalization %r" % doc.get("normalization"))
        self.used.add(NORMALIZATION)
        return {"name": doc["name"],
                "segmentation": {"type": "mmseg", "dict": seg},
                "conversion_chain": [self.drop_groups_of_one(step) for step in chain]}

    @staticmethod
    def drop_groups_of_one(step):
        d = step["dict"]
        if d["type"] == "group" and len(d["dicts"]) == 1:
            return {"dict": d["dicts"][0]}
        return step


# 1.4's normalization, as every 1.4.2 configuration has it
NORMALIZATION_STEP = [{"dict": {"type": "ocd2", "file": "CJK_Compatibility_Ideographs.ocd2"}}]


def normalization_config():
    """normalize.json: OpenCC 1.4's pre-pass (CJK compatibility ideographs to their unified
    forms) as a configuration of its own; fixtext runs it first on lines that hold such a
    character, as 1.4 runs it before segmentation."""
    d = {"type": FORMAT, "file": NORMALIZATION + "." + FORMAT}
    return {"name": "CJK compatibility ideographs to unified ideographs (OpenCC 1.4's "
                    "normalization, run before any configuration)",
            "segmentation": {"type": "mmseg", "dict": d},
            "conversion_chain": [{"dict": d}]}


def write_dict(path, entries):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for k in sorted(entries):
            f.write("%s\t%s\n" % (k, " ".join(entries[k])))


def main():
    opencc_dict = shutil.which("opencc_dict")
    if not opencc_dict:
        sys.exit("gen_opencc_data.py: opencc_dict (Debian package opencc) is needed")
    with tempfile.TemporaryDirectory() as tmp:
        tarball = fetch(tmp)
        with tarfile.open(tarball) as t:
            t.extractall(tmp, filter="data")
        pkg = os.path.join(tmp, "package")
        assets = os.path.join(pkg, "prebuilds", "assets")
        dicts = {}
        for name in sorted(os.listdir(assets)):
            if name.endswith(".ocd2"):
                dicts[name[:-5]] = dict(read_dict(opencc_dict, os.path.join(assets, name), tmp))
        tr = Translator(dicts)
        configs = {}
        for name in sorted(os.listdir(os.path.join(pkg, "data", "config"))):
            if name.endswith(".json") and not name.startswith("opencc_config"):
                with open(os.path.join(pkg, "data", "config", name), encoding="utf-8") as f:
                    configs[name] = tr.config(json.load(f))
        configs["normalize.json"] = normalization_config()
        if os.path.isdir(OUT):
            for old in os.listdir(OUT):
                if old.endswith((".txt", ".json")):
                    os.remove(os.path.join(OUT, old))
        os.makedirs(OUT, exist_ok=True)
        for name in sorted(tr.used):
            write_dict(os.path.join(OUT, name + ".txt"), dicts[name])
        for name, cfg in configs.items():
            with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="\n") as f:
                json.dump(cfg, f, ensure_ascii=False, indent=2)
                f.write("\n")
        shutil.copy(os.path.join(pkg, "LICENSE"), os.path.join(OUT, "LICENSE"))
        # What this data is, for the library: the script table's key flags (gen_script.py)
        # describe these dictionaries, and the converter uses them only on data with this id.
        with open(os.path.join(OUT, "DATA_ID"), "w", encoding="utf-8") as f:
            f.write("%s %s %s\n" % (PACKAGE, VERSION, INTEGRITY))
    write_meta(sorted(tr.used), sorted(configs))
    write_readme(sorted(tr.used), configs)


def write_readme(dict_names, configs):
    with open(os.path.join(OUT, "README.md"), "w", encoding="utf-8") as f:
        f.write(README % {"version": VERSION, "integrity": INTEGRITY, "package": PACKAGE})
        for name in sorted(configs):
            f.write("| `%s` | %s |\n" % (name[:-5], configs[name]["name"]))
        f.write("\nDictionaries: %s.\n" % ", ".join("`%s`" % n for n in dict_names))


README = """# OpenCC data (GENERATED by tables/gen_opencc_data.py; do not edit)

fixtext's default data for `--to`: OpenCC's dictionaries and configurations.

- Source: npm package `%(package)s`, version %(version)s, integrity `%(integrity)s`
  (checked by the generator before reading it), `prebuilds/assets/*.ocd2`, read back to OpenCC's
  text format (`key<TAB>candidate candidate ...`) with Debian's `opencc_dict`.
- Licence: Apache License 2.0 (OpenCC, Copyright 2010-2026 Carbo Kuo and contributors); the
  licence text is `LICENSE` here.
- Changes: `STPhrasesUnion.txt` is STPhrases and STPhrases_GeneratedFromRegionalPhrases merged
  (OpenCC 1.4's "union" group: longest key wins, STPhrases on a tie);
  `TSCharactersExt_TSCharacters.txt` is the two merged (Ext's entry wins, as in 1.4's group);
  `NoSegmentation.txt` (one key, U+FDD0) stands for 1.4's "no segmentation"; the configurations
  are rewritten in the schema libopencc 1.1.6 reads, and 1.4's normalization (CJK compatibility
  ideographs) is `normalize.json`, which fixtext runs first on lines holding such a character
  (see the generator's header); nothing else. `DATA_ID` names this data for the library.
- Build (tables/opencc/meson.build): meson copies each `.txt` (what fixtext converts with:
  src/stages/opencc_engine.c), compiles it into `.fxt` (the trie fixtext maps instead of building
  it from the text every run, with tables/opencc_trie.c) and into `.ocd` (libopencc 1.1.6's
  double-array form, for `opencc -c` on this data: the same matches as `.ocd2`, looked up about
  three times faster) with `opencc_dict`, and installs them all with the configurations into
  `$datadir/fixtext/opencc`.

| configuration | what |
|---|---|
"""


def write_meta(dict_names, config_names):
    """tables/opencc/meson.build: copies each dictionary's text, builds its .fxt and .ocd and
    installs them with the configurations; the build tree's copy is a complete data directory for uninstalled use."""
    with open(os.path.join(OUT, "meson.build"), "w", encoding="utf-8") as f:
        f.write("# GENERATED by tables/gen_opencc_data.py; do not edit.\n"
                "# OpenCC %s's dictionaries (text, committed) -> .ocd with opencc_dict, and the\n"
                "# configurations beside them, in the build tree and in opencc_install_dir.\n"
                % VERSION)
        f.write("opencc_dictionaries = [\n%s]\n" % "".join("  '%s',\n" % n for n in dict_names))
        f.write("opencc_configurations = [\n%s]\n"
                % "".join("  '%s',\n" % n for n in config_names))
        f.write(MESON_RULES)
    print("%s: %d dictionaries, %d configurations" % (OUT, len(dict_names), len(config_names)))


MESON_RULES = """opencc_data_targets = []
foreach name : opencc_dictionaries
  opencc_data_targets += custom_target(name + '.ocd',
    input: name + '.txt',
    output: name + '.ocd',
    command: [opencc_dict_prog, '-i', '@INPUT@', '-o', '@OUTPUT@', '-f', 'text', '-t', 'ocd'],
    install: true,
    install_dir: opencc_install_dir)
endforeach
opencc_texts = []
foreach name : opencc_dictionaries
  configure_file(input: name + '.txt', output: name + '.txt', copy: true)
  opencc_texts += name + '.txt'
  opencc_data_targets += custom_target(name + '.fxt',
    input: name + '.txt',
    output: name + '.fxt',
    command: [opencc_trie_exe, '@INPUT@', '@OUTPUT@'],
    install: true,
    install_dir: opencc_install_dir)
endforeach
foreach name : opencc_configurations
  configure_file(input: name, output: name, copy: true)
endforeach
configure_file(input: 'DATA_ID', output: 'DATA_ID', copy: true)
install_data(opencc_configurations, opencc_texts, 'LICENSE', 'README.md', 'DATA_ID',
  install_dir: opencc_install_dir)
opencc_build_dir = meson.current_build_dir()
"""


if __name__ == "__main__":
    main()
