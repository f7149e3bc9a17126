package io.adengine.bench.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Draws latency by percentile as a PNG, the HdrHistogram way: the x axis is log-scaled in
 * {@code 1 / (1 - percentile)} so 90 %, 99 %, 99.9 % … are evenly spaced, the y axis is milliseconds.
 * Headless AWT only.
 */
public final class PercentilePlot {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 540;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final double MAX_NINES = 5;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e)};

    private PercentilePlot() {
    }

    /** Writes one line per histogram (nanosecond values) into {@code file}. */
    public static void write(Path file, String title, Map<String, Histogram> series) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            double maxMs = 0.001;
            for (Histogram h : series.values()) {
                maxMs = Math.max(maxMs, h.getMaxValue() / 1e6);
            }
            maxMs = niceCeiling(maxMs);
            int plotW = WIDTH - LEFT - RIGHT;
            int plotH = HEIGHT - TOP - BOTTOM;
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.setColor(new Color(0xdddddd));
            for (int i = 0; i <= 5; i++) {
                int y = TOP + plotH - plotH * i / 5;
                g.drawLine(LEFT, y, LEFT + plotW, y);
            }
            for (int n = 0; n <= MAX_NINES; n++) {
                int x = LEFT + (int) (plotW * n / MAX_NINES);
                g.drawLine(x, TOP, x, TOP + plotH);
            }
            g.setColor(Color.BLACK);
            g.drawRect(LEFT, TOP, plotW, plotH);
            String[] ticks = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
            for (int n = 0; n <= MAX_NINES; n++) {
                int x = LEFT + (int) (plotW * n / MAX_NINES);
                g.drawString(ticks[n], x - 15, TOP + plotH + 18);
            }
            for (int i = 0; i <= 5; i++) {
                int y = TOP + plotH - plotH * i / 5;
                g.drawString(String.format(Locale.ROOT, "%.3g", maxMs * i / 5), 10, y + 4);
            }
            g.drawString("percentile", LEFT + plotW / 2 - 30, HEIGHT - 15);
            g.drawString("latency (ms)", 10, TOP - 10);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(title, LEFT, 25);
            int legend = 0;
            g.setStroke(new BasicStroke(2f));
            for (Map.Entry<String, Histogram> e : series.entrySet()) {
                Color color = COLORS[legend % COLORS.length];
                g.setColor(color);
                int prevX = -1;
                int prevY = -1;
                if (e.getValue().getTotalCount() > 0) {
                    for (HistogramIterationValue v : e.getValue().percentiles(5)) {
                        double p = Math.min(v.getPercentileLevelIteratedTo() / 100.0, 1 - Math.pow(10, -MAX_NINES));
                        double nines = Math.log10(1 / (1 - p));
                        int x = LEFT + (int) (plotW * nines / MAX_NINES);
                        int y = TOP + plotH - (int) (plotH * (v.getValueIteratedTo() / 1e6) / maxMs);
                        if (prevX >= 0) {
                            g.drawLine(prevX, prevY, x, y);
                        }
                        prevX = x;
                        prevY = y;
                    }
                }
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
                g.drawString(e.getKey(), LEFT + 10, TOP + 18 + 16 * legend);
                legend++;
            }
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", file.toFile());
    }

    private static double niceCeiling(double v) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= v) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }
}
