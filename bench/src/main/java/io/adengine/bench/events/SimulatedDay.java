package io.adengine.bench.events;

import io.adengine.bench.BenchMain;
import io.adengine.budget.SpendLedger;
import io.adengine.config.EngineConfig;
import io.adengine.config.EventsConfig;
import io.adengine.events.EventPipeline;
import io.adengine.events.EventType;
import io.adengine.events.TrackerSigner;
import io.adengine.index.Snapshot;
import io.adengine.index.SnapshotBuilder;
import io.adengine.index.SnapshotHolder;
import io.adengine.model.Catalog;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One UTC day of CPM traffic on an accelerated clock through the real pipeline (gate, served event
 * with reservation, impression tracker, ledger, pacing ticks every simulated minute), once with EVEN
 * pacing and once with ASAP. Traffic is diurnal (peak at noon, 4x the midnight rate); every request
 * picks one ad group uniformly and serves it if the budget gate allows. Budgets are drawn so that
 * unthrottled demand costs 0.3..3x each daily budget, so about half the groups are budget-limited.
 *
 * <p>Prints overspend (% of the sum of daily budgets) and the spend-vs-plan RMSE of budget-limited
 * groups (cumulative spend as a fraction of the daily budget against the even plan, sampled every 15
 * simulated minutes), and writes a PNG of planned vs actual cumulative spend.
 *
 * <p>Usage: {@code java -Djava.awt.headless=true -cp bench/target/benchmarks.jar io.adengine.bench.events.SimulatedDay
 * [--groups 2000] [--requests 1000000] [--png bench/results/events-simulated-day.png]}
 */
@Command(name = "SimulatedDay", mixinStandardHelpOptions = true,
        description = "One accelerated day of CPM traffic through the real pipeline, with EVEN and with ASAP pacing (F7).")
public final class SimulatedDay implements Callable<Integer> {

    private static final long DAY_START = Instant.parse("2026-11-28T00:00:00Z").toEpochMilli();
    private static final int MINUTES = 1440;
    private static final int CHECKPOINTS = 96;

    private SimulatedDay() {
    }

    record Result(double overspendPercent, double rmse, double[] actualTotal, double[] plannedTotal, long impressions, double wallSeconds) {
    }

    @Option(names = "--groups", description = "ad groups in the catalog (default: ${DEFAULT-VALUE})")
    int groups = 2_000;

    @Option(names = "--requests", description = "ad requests over the day (default: ${DEFAULT-VALUE})")
    int requests = 1_000_000;

    @Option(names = "--png", description = "where the plot of planned vs actual spend goes (default: ${DEFAULT-VALUE})")
    Path png = Path.of("bench/results/events-simulated-day.png");

    public static void main(String[] args) {
        BenchMain.runMain(new SimulatedDay(), args);
    }

    @Override
    public Integer call() throws Exception {
        Catalog catalog = BenchCatalogs.cpm(groups, requests / groups, 42);
        Result even = run(catalog, requests, EventsConfig.Pacing.EVEN);
        Result asap = run(catalog, requests, EventsConfig.Pacing.ASAP);
        System.out.printf("groups=%d requests/day=%d (diurnal, peak/trough 4x), pacing tick = 1 simulated minute%n", groups, requests);
        for (String name : new String[]{"EVEN", "ASAP"}) {
            Result r = name.equals("EVEN") ? even : asap;
            System.out.printf("%s: impressions=%d overspend=%.4f%% of daily budgets, spend-vs-plan RMSE (budget-limited groups)=%.3f of daily budget, wall %.1fs%n",
                    name, r.impressions, r.overspendPercent, r.rmse, r.wallSeconds);
        }
        Files.createDirectories(png.toAbsolutePath().getParent());
        plot(even, asap, png);
        System.out.println("plot: " + png);
        return 0;
    }

    static Result run(Catalog catalog, int requests, EventsConfig.Pacing pacing) throws Exception {
        long wall = System.nanoTime();
        SnapshotHolder holder = new SnapshotHolder(new SnapshotBuilder(EngineConfig.AuctionConfig.defaults()).build(catalog));
        Snapshot s = holder.current();
        int n = s.size();
        Path dir = Files.createTempDirectory("simday");
        EventsConfig config = new EventsConfig(dir, 1 << 16, EventsConfig.WaitStrategy.BLOCKING, EventsConfig.FullRingPolicy.BLOCK,
                EventsConfig.Fsync.NONE, EventsConfig.JOURNAL_FILE_BYTES_DEFAULT, 86_400, 1 << 22, 60, pacing, 60_000, false, "", "");
        AtomicLong clock = new AtomicLong(DAY_START);
        double[] weights = new double[MINUTES];
        double sum = 0;
        for (int m = 0; m < MINUTES; m++) {
            weights[m] = 1 - 0.6 * Math.cos(2 * Math.PI * m / MINUTES);
            sum += weights[m];
        }
        long[] daily = new long[n];
        boolean[] limited = new boolean[n];
        long[] demandCost = new long[n];
        for (int o = 0; o < n; o++) {
            daily[o] = s.group(o).budget().dailyMicros();
            demandCost[o] = (long) requests / n * s.group(o).bid().amountMicros() / 1000;
            limited[o] = demandCost[o] >= daily[o];
        }
        double[][] spentAt = new double[CHECKPOINTS + 1][];
        SplittableRandom random = new SplittableRandom(7);
        long impressions = 0;
        long day = SpendLedger.localDay(DAY_START, 0);
        try (EventPipeline p = EventPipeline.startManualTicks(config, holder, clock::get, new PrometheusRegistry(), EventPipeline.EventSink.NONE)) {
            double carry = 0;
            for (int m = 0; m < MINUTES; m++) {
                long minuteStart = DAY_START + m * 60_000L;
                clock.set(minuteStart);
                p.tick(minuteStart);
                p.drain();
                if (m % 15 == 0) {
                    spentAt[m / 15] = snapshotSpend(p, s, day);
                }
                carry += requests * weights[m] / sum;
                int thisMinute = (int) carry;
                carry -= thisMinute;
                for (int i = 0; i < thisMinute; i++) {
                    long now = minuteStart + (long) i * 60_000L / Math.max(1, thisMinute);
                    clock.set(now);
                    int o = random.nextInt(n);
                    if (!p.budgetGate().allows(s, o)) {
                        continue;
                    }
                    long charge = s.group(o).bid().amountMicros();
                    long hi = random.nextLong();
                    long lo = random.nextLong();
                    p.publishServed(s, o, 101, "IN", charge, s.group(o).id(), hi, lo, now / 1000 + 3600, now);
                    TrackerSigner.Claims c = new TrackerSigner.Claims(TrackerSigner.Purpose.IMPRESSION, "", 101, s.group(o).campaignId(), s.group(o).id(), s.group(o).id(),
                            "CPM", charge, now / 1000 + 3600);
                    p.publishTracker(EventType.IMPRESSION, c, hi, lo, s.catalog().campaign(s.group(o).campaignId()).accountId(), 7,
                            (short) 0, now, (status, reason) -> { });
                    impressions++;
                }
            }
            clock.set(DAY_START + SpendLedger.DAY_MILLIS - 1);
            p.tick(clock.get());
            p.drain();
            spentAt[CHECKPOINTS] = snapshotSpend(p, s, day);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
        double over = 0;
        double budgets = 0;
        for (int o = 0; o < n; o++) {
            over += Math.max(0, spentAt[CHECKPOINTS][o] - daily[o]);
            budgets += daily[o];
        }
        double se = 0;
        long samples = 0;
        double[] actual = new double[CHECKPOINTS + 1];
        double[] planned = new double[CHECKPOINTS + 1];
        for (int k = 0; k <= CHECKPOINTS; k++) {
            for (int o = 0; o < n; o++) {
                if (!limited[o]) {
                    continue;
                }
                double plan = (double) k / CHECKPOINTS;
                double err = spentAt[k][o] / daily[o] - plan;
                se += err * err;
                samples++;
                actual[k] += spentAt[k][o] / 1e6;
                planned[k] += daily[o] * plan / 1e6;
            }
        }
        return new Result(100 * over / budgets, Math.sqrt(se / samples), actual, planned, impressions, (System.nanoTime() - wall) / 1e9);
    }

    private static double[] snapshotSpend(EventPipeline p, Snapshot s, long day) {
        double[] spent = new double[s.size()];
        for (int o = 0; o < s.size(); o++) {
            spent[o] = p.ledger().group(s.group(o).id()).spentOnDay(day);
        }
        return spent;
    }

    private static void plot(Result even, Result asap, Path png) throws Exception {
        int w = 960;
        int h = 560;
        int left = 90;
        int right = 30;
        int top = 50;
        int bottom = 60;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double max = 0;
        for (double[] series : new double[][]{even.plannedTotal, even.actualTotal, asap.actualTotal}) {
            for (double v : series) {
                max = Math.max(max, v);
            }
        }
        g.setColor(Color.LIGHT_GRAY);
        for (int hour = 0; hour <= 24; hour += 3) {
            int x = left + (w - left - right) * hour / 24;
            g.drawLine(x, top, x, h - bottom);
            g.setColor(Color.DARK_GRAY);
            g.drawString(hour + ":00", x - 14, h - bottom + 18);
            g.setColor(Color.LIGHT_GRAY);
        }
        for (int i = 0; i <= 4; i++) {
            int y = h - bottom - (h - top - bottom) * i / 4;
            g.drawLine(left, y, w - right, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format("%.0f", max * i / 4), 10, y + 4);
            g.setColor(Color.LIGHT_GRAY);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, w - left - right, h - top - bottom);
        g.drawString("Cumulative spend of budget-limited ad groups over a simulated UTC day (USD) - planned (even) vs actual", left, 25);
        g.drawString("hour of day (UTC)", w / 2 - 50, h - 15);
        line(g, even.plannedTotal, max, left, right, top, bottom, w, h, new Color(120, 120, 120), true);
        line(g, even.actualTotal, max, left, right, top, bottom, w, h, new Color(0, 90, 200), false);
        line(g, asap.actualTotal, max, left, right, top, bottom, w, h, new Color(210, 60, 40), false);
        g.setColor(new Color(120, 120, 120));
        g.drawString("plan (even over the day)", left + 20, top + 20);
        g.setColor(new Color(0, 90, 200));
        g.drawString(String.format("EVEN pacing (RMSE %.3f of budget)", even.rmse), left + 20, top + 38);
        g.setColor(new Color(210, 60, 40));
        g.drawString(String.format("ASAP (RMSE %.3f of budget)", asap.rmse), left + 20, top + 56);
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    private static void line(Graphics2D g, double[] ys, double max, int left, int right, int top, int bottom, int w, int h, Color c,
                             boolean dashed) {
        g.setColor(c);
        g.setStroke(dashed ? new BasicStroke(2, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1, new float[]{8, 6}, 0) : new BasicStroke(2.5f));
        for (int k = 1; k < ys.length; k++) {
            int x0 = left + (w - left - right) * (k - 1) / (ys.length - 1);
            int x1 = left + (w - left - right) * k / (ys.length - 1);
            int y0 = h - bottom - (int) ((h - top - bottom) * ys[k - 1] / Math.max(1e-9, max));
            int y1 = h - bottom - (int) ((h - top - bottom) * ys[k] / Math.max(1e-9, max));
            g.drawLine(x0, y0, x1, y1);
        }
        g.setStroke(new BasicStroke(1));
    }
}
