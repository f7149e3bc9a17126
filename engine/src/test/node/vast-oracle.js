// Test oracle for the engine's VAST answers (VastClientOracleTest): reads a VAST document on stdin, parses it with
// the dailymotion VAST client (@dailymotion/vast-client, a real player-side library no one here wrote), then plays
// the first linear creative through the client's own VASTTracker (impression, start, quartiles, complete, click;
// or with "skip" as the argument: start, skip, close) and prints, as one JSON object, what the client found and the
// tracking URLs it called, in order. Exit status 2 when the client finds no ad or reports an error.
'use strict';
const { DOMParser } = require('@xmldom/xmldom');
const { VASTParser, VASTTracker } = require('@dailymotion/vast-client');

const fired = [];
// The client calls trackers by loading an image in a browser; in node it does nothing, so stand in for the browser.
global.window = {};
global.Image = class { set src(url) { fired.push(url); } };

const mode = process.argv[2] || 'complete';
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', async () => {
  try {
    const xml = new DOMParser().parseFromString(input, 'text/xml');
    const parser = new VASTParser();
    const response = await parser.parseVAST(xml);
    const out = { version: response.version, ads: [] };
    for (const ad of response.ads) {
      const linear = ad.creatives.find((c) => c.type === 'linear');
      out.ads.push({
        id: ad.id,
        adServingId: ad.adServingId,
        system: ad.system && ad.system.value,
        title: ad.title,
        advertiser: ad.advertiser && ad.advertiser.value,
        impressions: ad.impressionURLTemplates.map((t) => t.url),
        errors: ad.errorURLTemplates,
        verifications: ad.adVerifications.map((v) => ({ vendor: v.vendor, resource: v.resource, apiFramework: v.apiFramework,
          parameters: v.parameters })),
        linear: linear && {
          id: linear.id,
          adId: linear.adId,
          universalAdIds: linear.universalAdIds.map((u) => ({ idRegistry: u.idRegistry, value: u.value })),
          duration: linear.duration,
          skipDelay: linear.skipDelay,
          mediaFiles: linear.mediaFiles.map((m) => ({ url: m.fileURL, type: m.mimeType, delivery: m.deliveryType, width: m.width,
            height: m.height, bitrate: m.bitrate })),
          trackingEvents: linear.trackingEvents,
          clickThrough: linear.videoClickThroughURLTemplate && linear.videoClickThroughURLTemplate.url,
          clickTracking: linear.videoClickTrackingURLTemplates.map((t) => t.url),
        },
      });
    }
    if (out.ads.length > 0 && out.ads[0].linear) {
      const ad = response.ads[0];
      const creative = ad.creatives.find((c) => c.type === 'linear');
      const tracker = new VASTTracker(null, ad, creative);
      const errors = [];
      tracker.on('TRACKER-error', (e) => errors.push(e.message));
      tracker.trackImpression();
      const d = creative.duration;
      if (mode === 'skip') {
        tracker.setProgress(Math.max(creative.skipDelay || 0, 0.1));
        tracker.skip();
        tracker.close();
      } else {
        for (const f of [0.1, 0.26, 0.51, 0.76, 0.99]) {
          tracker.setProgress(d * f);
        }
        tracker.complete();
        tracker.click();
      }
      out.played = fired.slice();
      out.trackerErrors = errors;
    }
    process.stdout.write(JSON.stringify(out));
    process.exit(out.ads.length > 0 ? 0 : 2);
  } catch (e) {
    process.stderr.write('vast client failed: ' + (e && e.stack || e) + '\n');
    process.exit(2);
  }
});
