"""/metrics in Prometheus' text format (prometheus-client, imported only here).

Per domain (label ``domain``): state (one series per state, 1 for the current one), vCPUs,
memory, CPU seconds of its QEMU, disk bytes and operations read/written (QMP
query-blockstats, label ``device``), network bytes and packets (label ``interface``; counted
on the host's tap, reported from the guest's side: ``tx`` = what the guest sent). Per host:
domains by state, CPUs, memory, daemon uptime. Per action: API request durations (counted
by api/audit.py). Samples are taken when scraped; nothing is polled in the background.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from hvmctl.api import audit
from hvmctl.daemon.state import DomainState

if TYPE_CHECKING:
    from hvmctl.daemon.domain import Domain
    from hvmctl.daemon.service import Daemon

QMP_TIMEOUT = 2.0


def _net_counters(tap: str) -> dict[str, int]:
    out = {}
    for key in ("rx_bytes", "tx_bytes", "rx_packets", "tx_packets"):
        try:
            with open(f"/sys/class/net/{tap}/statistics/{key}") as fh:
                out[key] = int(fh.read().strip())
        except (OSError, ValueError):
            pass
    return out


async def _blockstats(dom: "Domain") -> list[dict[str, Any]]:
    if dom.monitor is None or dom.state not in (DomainState.RUNNING, DomainState.PAUSED):
        return []
    try:
        result = await dom.qmp("query-blockstats", None, timeout=QMP_TIMEOUT)
    except Exception:  # a busy or dying QEMU: its disks are left out of this scrape
        return []
    return [r for r in result if isinstance(r, dict)] if isinstance(result, list) else []


async def sample(daemon: "Daemon") -> dict[str, Any]:
    """Everything one scrape reports, as plain data."""
    doms = list(daemon.all())
    blocks = await asyncio.gather(*(_blockstats(d) for d in doms))
    rows = []
    for dom, stats in zip(doms, blocks):
        summary = dom.summary()
        taps = [str(n["tap"]) for n in summary.get("nics") or [] if isinstance(n, dict) and n.get("tap")]
        rows.append({"summary": summary, "blocks": stats, "nets": {t: _net_counters(t) for t in taps}})
    return {"host": daemon.host_info(), "domains": rows, "latencies": audit.LATENCIES.snapshot()}


class _Snapshot:
    """A collector over one sample (a registry per scrape: no state kept between scrapes)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def collect(self) -> Iterator[Metric]:
        doms = self.data["domains"]
        state = GaugeMetricFamily("hvmctl_domain_state", "1 for the domain's current state", labels=["domain", "state"])
        vcpus = GaugeMetricFamily("hvmctl_domain_vcpus", "vCPUs", labels=["domain"])
        memory = GaugeMetricFamily("hvmctl_domain_memory_bytes", "memory (the balloon target)", labels=["domain"])
        cpu = CounterMetricFamily("hvmctl_domain_cpu_seconds", "CPU time of the domain's QEMU", labels=["domain"])
        disk_bytes = CounterMetricFamily("hvmctl_domain_disk_bytes", "disk bytes", labels=["domain", "device", "op"])
        disk_ops = CounterMetricFamily("hvmctl_domain_disk_operations", "disk operations",
                                       labels=["domain", "device", "op"])
        net_bytes = CounterMetricFamily("hvmctl_domain_net_bytes", "network bytes, as the guest sees them",
                                        labels=["domain", "interface", "direction"])
        net_packets = CounterMetricFamily("hvmctl_domain_net_packets", "network packets, as the guest sees them",
                                          labels=["domain", "interface", "direction"])
        for row in doms:
            s = row["summary"]
            name = str(s["name"])
            for st in DomainState:
                state.add_metric([name, st.value], 1.0 if s["state"] == st.value else 0.0)
            vcpus.add_metric([name], float(s["vcpus"] or 0))
            memory.add_metric([name], float(s["memory"] or 0) * 1024 * 1024)
            cpu.add_metric([name], float(s["cpu_time"] or 0))
            for b in row["blocks"]:
                device = str(b.get("device") or b.get("qdev") or b.get("node-name") or "?")
                st_ = b.get("stats") or {}
                for op, key in (("read", "rd"), ("write", "wr")):
                    disk_bytes.add_metric([name, device, op], float(st_.get(f"{key}_bytes", 0)))
                    disk_ops.add_metric([name, device, op], float(st_.get(f"{key}_operations", 0)))
            for tap, counters in row["nets"].items():
                # the tap's receive is the guest's transmit
                for direction, key in (("tx", "rx"), ("rx", "tx")):
                    if f"{key}_bytes" in counters:
                        net_bytes.add_metric([name, tap, direction], float(counters[f"{key}_bytes"]))
                    if f"{key}_packets" in counters:
                        net_packets.add_metric([name, tap, direction], float(counters[f"{key}_packets"]))
        yield from (state, vcpus, memory, cpu, disk_bytes, disk_ops, net_bytes, net_packets)

        host = self.data["host"]
        counts = GaugeMetricFamily("hvmctl_host_domains", "domains by state", labels=["state"])
        for st in DomainState:
            counts.add_metric([st.value], float(sum(1 for r in doms if r["summary"]["state"] == st.value)))
        yield counts
        yield GaugeMetricFamily("hvmctl_host_cpus", "host CPUs", value=float(host.get("nr_cpus") or 0))
        for key, what in (("total_memory", "total"), ("free_memory", "free")):
            fam = GaugeMetricFamily(f"hvmctl_host_memory_{what}_bytes", f"host memory, {what}",
                                    value=float(host.get(key) or 0) * 1024 * 1024)
            yield fam
        yield GaugeMetricFamily("hvmctl_daemon_uptime_seconds", "since the daemon started",
                                value=float(host.get("daemon_uptime") or 0))

        hist = HistogramMetricFamily("hvmctl_api_request_duration_seconds", "API request durations per action",
                                     labels=["action"])
        for action, counts_ in sorted(self.data["latencies"].items()):
            buckets = [(repr(bound), counts_[i]) for i, bound in enumerate(audit.BUCKETS)]
            buckets.append(("+Inf", counts_[len(audit.BUCKETS)]))
            hist.add_metric([action], buckets, sum_value=counts_[-1])
        yield hist


async def render(daemon: "Daemon") -> tuple[bytes, str]:
    """(body, content type) of one scrape."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Snapshot(await sample(daemon)))
    return generate_latest(registry), CONTENT_TYPE_LATEST
