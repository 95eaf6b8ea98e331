"""What every end-to-end test script shares: counting checks, and the summary line that .ci/test
adds up ("N passed, M failed")."""

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
