"""Functions that worker processes run (a module of its own, so that spawned workers import it
by name). FIXER is made at import: a forked worker inherits the parent's, pool included."""
import fixtext

FIXER = fixtext.Fixer(jobs=2)


def fix(doc):
    return FIXER.fix_bytes(doc)


def fix_with_options(job):
    options, doc = job
    return fixtext.fix_bytes(doc, **options)
