"""Threads and processes: the GIL is let go while libfixtext works, one Fixer serves many threads
with the same results as one thread, and worker processes (fork and spawn) give the same results,
a forked child included when the parent's contexts run worker threads of their own."""
import concurrent.futures
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time

import pytest

import fixtext
import workers
from support import fixture_files, mojibake_cases, read

FILES = fixture_files()


def documents():
    """Real documents of all sizes: whole fixtures, their lines, the mojibake cases."""
    docs = [read(p) for p in FILES]
    for p in FILES[:8]:
        docs += [line for line in read(p).split(b"\n") if line][:200]
    docs += [(c["input"] + "\n").encode("utf-8") for c in mojibake_cases()]
    return docs


def big_input(size=16 << 20):
    seeds = b"".join(read(p) + b"\n" for p in FILES if "/seeds/" in p)
    return seeds * (size // len(seeds) + 1)


def test_gil_released_while_fixing():
    """A thread that counts keeps counting while another thread's fix_bytes works on 16 MB: with
    the GIL held through the call it would not advance at all."""
    data = big_input()
    fixer = fixtext.Fixer()
    fixer.fix_bytes(data[:100000])
    count = [0]
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            count[0] += 1

    t = threading.Thread(target=spin)
    t.start()
    try:
        time.sleep(0.1)
        c0, t0 = count[0], time.perf_counter()
        time.sleep(0.1)
        alone = (count[0] - c0) / (time.perf_counter() - t0)  # counts per second, main thread idle
        c0, t0 = count[0], time.perf_counter()
        fixer.fix_bytes(data)
        during = count[0] - c0
        elapsed = time.perf_counter() - t0
    finally:
        stop.set()
        t.join()
    # The counter ran for a good part of the call (the machine may be busy: a tenth is plenty;
    # with the GIL held it would have advanced by nearly nothing).
    assert elapsed > 0.02
    assert during > 0.1 * alone * elapsed, (during, alone, elapsed)


def test_gil_kept_for_short_inputs_still_correct():
    short = "PersÃ¶nliche"
    assert len(short.encode()) < fixtext.GIL_RELEASE_MIN
    assert fixtext.fix_text(short) == "Persönliche"


@pytest.mark.parametrize("options,every", [({}, 1), ({"jobs": 2}, 2), ({"to": "simplified"}, 8)],
                         ids=repr)
def test_threads_share_one_fixer(options, every):
    docs = documents()[::every]  # conversion is slow (OpenCC): fewer documents
    fixer = fixtext.Fixer(**options)
    want = [fixer.fix_bytes(d) for d in docs]
    explained = [fixer.fix_and_explain(d) for d in docs[:40]]
    results = {}
    errors = []

    def work(k):
        try:
            order = docs[k:] + docs[:k]  # each thread its own order: contexts change hands
            got = [fixer.fix_bytes(d) for d in order]
            results[k] = got[len(docs) - k:] + got[:len(docs) - k]
            assert [fixer.fix_and_explain(d) for d in docs[:40]] == explained
        except BaseException as e:  # reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k * 37 % len(docs),)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert all(got == want for got in results.values())
    text_idle, explain_idle = fixer._idle_contexts()
    assert 1 <= text_idle <= 16 and 1 <= explain_idle <= 16


def test_module_functions_in_threads():
    docs = documents()[:300]
    want = [fixtext.fix_bytes(d, keep_pinyin=True) for d in docs]
    with concurrent.futures.ThreadPoolExecutor(4) as ex:
        got = list(ex.map(lambda d: fixtext.fix_bytes(d, keep_pinyin=True), docs))
    assert got == want


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_process_pool(method):
    """The recipe of python/README.md: a Fixer's bound method mapped over a process pool (it
    pickles by its options), and a module-level Fixer that forked workers inherit."""
    docs = documents()
    fixer = fixtext.Fixer(keep_pinyin=True)
    want = [fixer.fix_bytes(d) for d in docs]
    workers.fix(big_input(1 << 20))  # the inherited Fixer's context has started its threads
    want_inherited = [workers.FIXER.fix_bytes(d) for d in docs]
    ctx = multiprocessing.get_context(method)
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=ctx) as ex:
        assert list(ex.map(fixer.fix_bytes, docs, chunksize=64)) == want
        assert list(ex.map(workers.fix, docs, chunksize=64)) == want_inherited
        jobs = [({"to": "simplified"}, d) for d in docs[:50]]
        assert list(ex.map(workers.fix_with_options, jobs)) == [
            fixtext.fix_bytes(d, to="simplified") for d in docs[:50]]


def test_fork_child_remakes_contexts():
    """A context whose worker threads started (jobs=2, a large input) must not be used in a
    forked child, where those threads do not exist: the child makes its own, and does not hang."""
    data = big_input(4 << 20)
    fixer = fixtext.Fixer(jobs=2)
    want = fixer.fix_bytes(data)
    assert fixer._idle_contexts()[0] >= 1
    pid = os.fork()
    if pid == 0:  # the child: answer by exit status, never return into pytest
        code = 3
        try:
            signal.alarm(120)
            code = 0 if fixer.fix_bytes(data) == want and fixer._idle_contexts()[0] == 1 else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert fixer.fix_bytes(data) == want  # the parent's contexts are untouched


def test_fixer_pickles_by_options():
    fixer = fixtext.Fixer(to="simplified", skip=["pinyin"], window="4K")
    copy = pickle.loads(pickle.dumps(fixer))
    assert copy.options == fixer.options
    doc = read(FILES[0])
    assert copy.fix_bytes(doc) == fixer.fix_bytes(doc)
    method = pickle.loads(pickle.dumps(fixer.fix_text))
    assert method("網絡") == "网络"
