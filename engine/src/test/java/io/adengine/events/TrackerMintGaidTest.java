package io.adengine.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adengine.catalog.CatalogJson;
import io.adengine.config.EngineConfig;
import io.adengine.index.Snapshot;
import io.adengine.index.SnapshotBuilder;
import io.adengine.match.AdDecider;
import io.adengine.match.AdRequest;
import io.adengine.match.Decision;
import io.adengine.model.Dimension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mint and the {@code {gaid}} macro: only the click token of an ad whose creative asks for it carries the sealed
 * GAID, and only when the request allows user data; minting ads without the macro allocates nothing beyond what the
 * signer's HMAC allocates anyway (the JDK's {@code Mac.doFinal} into an array still makes its own result; measured with
 * the thread's allocation counter), and a little more (the cipher's initialisation) for those with it.
 */
class TrackerMintGaidTest {

    private static final Path CONFIG_DIR = Path.of("..", "config");
    private static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    private static final String GAID = "38400000-8cf0-11bd-b23e-10b96e40000d";

    @TempDir
    Path dir;
    private final EngineConfig config = EngineConfig.defaults(CONFIG_DIR.resolve("sample-catalog.json"));
    private final TrackerSigner signer = new TrackerSigner(config.trackers().hmacKey());
    private final TrackerMint mint = new TrackerMint(signer, config.trackers().ttlSeconds());

    private Snapshot snapshot(boolean macro) throws Exception {
        if (!macro) {
            return new SnapshotBuilder(config.auction()).build(CatalogJson.read(CONFIG_DIR.resolve("sample-catalog.json")));
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(CONFIG_DIR.resolve("sample-catalog.json").toFile());
        for (JsonNode c : root.get("creatives")) {
            ((ObjectNode) c).put("clickUrl", "https://app.adjust.com/abc?gps_adid={gaid}&click_id={click_id}");
        }
        Path file = dir.resolve("catalog.json");
        json.writeValue(file.toFile(), root);
        return new SnapshotBuilder(config.auction()).build(CatalogJson.read(file));
    }

    private static AdRequest request() {
        return new AdRequest().adSpaceId(101).count(3).requestId("r").gaid(GAID).value(Dimension.COUNTRY, "IN").value(Dimension.LANGUAGE, "en")
                .nowMillis(NOW).seed(7);
    }

    @Test
    void onlyTheClickTokenOfAnAdAskingForTheGaidCarriesItAndOnlyWhenTheRequestAllowsUserData() throws Exception {
        Snapshot plain = snapshot(false);
        Snapshot macro = snapshot(true);
        AdDecider decider = new AdDecider();
        for (Snapshot s : new Snapshot[]{plain, macro}) {
            for (boolean coppa : new boolean[]{false, true}) {
                AdRequest request = request().coppa(coppa);
                Decision d = decider.decide(s, request, new Decision());
                assertThat(d.filled()).isPositive();
                Impressions out = mint.mint(s, request, d, new Impressions());
                for (int i = 0; i < out.count(); i++) {
                    TrackerSigner.Claims click = signer.verify(out.token(TrackerSigner.Purpose.CLICK, i));
                    assertThat(signer.verify(out.token(TrackerSigner.Purpose.IMPRESSION, i)).sealedGaid()).isNull();
                    boolean carries = s == macro && !coppa;
                    assertThat(click.sealedGaid() != null).as("macro %s, coppa %s", s == macro, coppa).isEqualTo(carries);
                    assertThat(signer.gaidOf(click)).isEqualTo(carries ? GAID : "");
                }
            }
        }
    }

    @Test
    void mintingAllocatesNothingWithoutTheMacroAndALittleWithIt() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        // What signing one token allocates (nothing since signInto composes its HMAC over MessageDigest), the floor of every mint.
        byte[] scratch = new byte[TrackerSigner.SCRATCH_BYTES];
        byte[] token = new byte[TrackerSigner.MAX_TOKEN];
        byte[] impression = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        long perToken = 0;
        for (int round = 0; round < 2; round++) {
            long start = threads.getThreadAllocatedBytes(id);
            for (int i = 0; i < 20_000; i++) {
                signer.signInto(TrackerSigner.Purpose.CLICK, impression, 101, 10, 100, 1000, io.adengine.model.BidModel.CPC, 1, 1, 0, scratch, token);
            }
            perToken = (threads.getThreadAllocatedBytes(id) - start) / 20_000;
        }
        for (boolean withMacro : new boolean[]{false, true}) {
            Snapshot s = snapshot(withMacro);
            AdRequest request = request();
            Decision d = new AdDecider().decide(s, request, new Decision());
            Impressions out = new Impressions();
            int n = 20_000;
            for (int i = 0; i < n; i++) {
                mint.mint(s, request, d, out);
            }
            long before = threads.getThreadAllocatedBytes(id);
            for (int i = 0; i < n; i++) {
                mint.mint(s, request, d, out);
            }
            long perMint = (threads.getThreadAllocatedBytes(id) - before) / n;
            // An impression and a click token per ad (the sample's feed groups are not view-through).
            long signing = 2 * d.filled() * perToken;
            if (withMacro) {
                // One sealed click token per ad: the cipher's initialisation (measured about 1.3 KB on JDK 17).
                assertThat(perMint - signing).as("bytes per mint of %d sealed click tokens", d.filled()).isPositive().isLessThan(4096L * d.filled());
            } else {
                assertThat(perMint).as("bytes per mint without the macro, %d per token signed", perToken).isEqualTo(signing);
            }
        }
    }
}
