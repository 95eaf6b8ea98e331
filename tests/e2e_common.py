"""What every end-to-end test script shares: counting checks, the summary line that .ci/test
adds up ("N passed, M failed"), and feeding a command's standard input in pieces."""
import subprocess
import threading

results = {"passed": 0, "failed": 0}


def check(name, cond, detail=""):
    """Counts one check; a failed one is printed with its name and detail."""
    if cond:
        results["passed"] += 1
    else:
        results["failed"] += 1
        print(f"FAIL {name} {detail}")
    return cond


def finish():
    """Prints the summary line; returns the exit status (1 when a check failed)."""
    print(f"{results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] else 0


def run_in_pieces(argv, data, sizes):
    """Runs argv with data written to its standard input in pieces whose sizes the iterator
    sizes gives (each flushed, so that reads see them apart), reading both outputs meanwhile.
    Returns (exit status, stdout bytes, stderr bytes)."""
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    got = {}
    readers = [threading.Thread(target=lambda k=k, f=f: got.__setitem__(k, f.read()))
               for k, f in (("out", p.stdout), ("err", p.stderr))]
    for t in readers:
        t.start()
    i = 0
    try:
        while i < len(data):
            n = next(sizes)
            p.stdin.write(data[i:i + n])
            p.stdin.flush()
            i += n
        p.stdin.close()
    except BrokenPipeError:
        # The program stopped reading (a binary file is skipped on its first 64 KiB): drop what
        # is still buffered, then close.
        try:
            p.stdin.close()
        except BrokenPipeError:
            pass
    for t in readers:
        t.join()
    return p.wait(), got["out"], got["err"]
