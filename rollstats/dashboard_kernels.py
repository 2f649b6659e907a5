"""The dashboard's kernel manager: preheated kernels that the idle culler treats fairly.

``rollstats dashboard`` runs Voila with preheated kernels (``--preheat_kernel=True
--pool_size=1``): a kernel runs the review notebook before anyone asks, so that opening the
page only hands it over. Voila keeps the kernels of its pool from the culler, but a kernel
handed to a page keeps the last activity of its preheating, which may be minutes old: the
culler (which shuts down kernels idle for ``cull_after`` seconds with no page connected) could
shut it down in the second between the page receiving it and connecting to it.
:class:`PreheatedKernels` starts the idle time of a preheated kernel when it leaves the pool
(the first time the culler looks at it outside the pool), so it gets the full ``cull_after``
seconds to be connected, as a kernel started for the page does; after that, it is culled like
any other.
"""
from __future__ import annotations

from datetime import datetime, timezone

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

#: the variable Voila sets in the environment of the kernels it preheats
PREHEAT_VARIABLE = "VOILA_PREHEAT"


class PreheatedKernels(AsyncMappingKernelManager):
    """jupyter_server's kernel manager, remembering which kernels Voila preheated (see the module)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._pooled: set[str] = set()   # preheated, not yet seen outside the pool by the culler

    async def start_kernel(self, *, kernel_name=None, **kwargs):
        kernel_id = await super().start_kernel(kernel_name=kernel_name, **kwargs)
        if (kwargs.get("env") or {}).get(PREHEAT_VARIABLE) == "True":
            self._pooled.add(kernel_id)
        return kernel_id

    async def cull_kernel_if_idle(self, kernel_id):
        # Voila's subclass returns before this for a kernel waiting in its pool
        if kernel_id in self._pooled and kernel_id in self:
            kernel = self.get_kernel(kernel_id)
            if getattr(kernel, "execution_state", None) == "busy":   # still running the notebook
                return None
            self._pooled.discard(kernel_id)   # handed to a page: idle from now on, not from its preheating
            kernel.last_activity = datetime.now(timezone.utc)
            return None
        self._pooled.discard(kernel_id)
        return await super().cull_kernel_if_idle(kernel_id)
