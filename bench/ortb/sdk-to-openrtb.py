import json, sys
src, dst = sys.argv[1], sys.argv[2]
conn = {"wifi": 2, "ethernet": 1, "2g": 4, "3g": 5, "4g": 6, "5g": 7}
with open(src) as f, open(dst, "w") as out:
    for line in f:
        r = json.loads(line)
        d = r.get("device", {})
        g = r.get("geo", {})
        region = g.get("region")
        geo = {"country": g.get("country")}
        if region and "-" in region:
            geo["region"] = region.split("-", 1)[1]
        imp = {"id": "1", "tagid": str(r["adSpaceId"]), "bidfloorcur": "USD",
               "banner": {"w": 320, "h": 50}, "video": {"mimes": ["video/mp4"]}, "native": {"request": "{}"}}
        dev = {"os": d.get("os"), "osv": d.get("osVersion"), "model": d.get("model"), "language": d.get("language"),
               "carrier": d.get("carrier"), "connectiontype": conn.get(d.get("network"), 0), "geo": geo}
        if r.get("gaid"):
            dev["ifa"] = r["gaid"]
        body = {"id": r["requestId"], "imp": [imp], "app": {"id": "a1", "bundle": "com.example.pub"}, "device": dev,
                "cur": ["USD"], "at": 2, "tmax": 100}
        out.write(json.dumps(body, separators=(",", ":")) + "\n")
