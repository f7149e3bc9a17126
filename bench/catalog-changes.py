#!/usr/bin/env python3
"""Changes N ad groups of a workload catalog through the admin sync API (batches of 8 PUTs: the admin body limit is server.maxBodyBytes, 16 KB, bid + 1 micro,
version + 1), then waits WAIT seconds for the compactor (a delta over 5 % of the base triggers a new base). Used by bench/engine-rss.sh
(RSS_HOOK) to measure memory while the catalog compactor builds a second full index.
usage: catalog-changes.py CATALOG_JSON ADMIN_PORT TOKEN N WAIT"""
import json, sys, time, urllib.error, urllib.request

catalog, port, token, n, wait = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
groups = json.load(open(catalog))["adGroups"][:n]
t0 = time.time()
for i in range(0, len(groups), 8):
    changes = []
    for g in groups[i:i + 8]:
        g = dict(g, version=g.get("version", 1) + 1, bid=dict(g["bid"], amountMicros=g["bid"]["amountMicros"] + 1))
        # The workload's audience ids are not catalog objects of the store, which validates references.
        g["targeting"] = {k: v for k, v in g.get("targeting", {}).items() if k != "audiences"}
        changes.append({"op": "PUT", "kind": "ad-groups", "object": g})
    req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/admin/catalog/batch", data=json.dumps({"changes": changes}).encode(),
                                 headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"}, method="POST")
    try:
        urllib.request.urlopen(req, timeout=120).close()
    except urllib.error.HTTPError as e:
        sys.exit(f"batch at ad group {i}: HTTP {e.code} {e.read()[:600]!r}")
print(f"changed {len(groups)} ad groups in {time.time() - t0:.1f} s")
# The compactor logs nothing; a full build of 100,000 ad groups takes seconds, so wait generously.
time.sleep(wait)
print(f"waited {wait} s for the compactor")
