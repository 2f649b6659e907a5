"""Memory of this process on Linux, for the benchmarks that measure one step in a fresh process.

``status()`` reads the resident set now (``VmRSS``) and its peak (``VmHWM``) in bytes from
``/proc/self/status``; ``reset_peak()`` sets the peak back to the resident set now (writing 5 to
``/proc/self/clear_refs``), so that the peak after a step is the step's own.
"""
from __future__ import annotations


def status() -> dict[str, int]:
    """``{"VmRSS": bytes, "VmHWM": bytes}`` of this process."""
    out = {}
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(("VmHWM:", "VmRSS:")):
                key, value = line.split(":")
                out[key] = int(value.split()[0]) * 1024
    return out


def reset_peak() -> bool:
    """Set the peak to the resident set now; False where the kernel does not allow it."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False
