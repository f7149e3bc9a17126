package io.adengine.bench.learn;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Locale;

/** A few series over a simulated day (equal steps from 0 to 24 h) as a PNG, like the bench's other plots. */
final class LinePlot {

    private static final Color[] COLORS = {new Color(210, 60, 40), new Color(0, 90, 200), new Color(40, 150, 60), new Color(120, 120, 120)};

    private LinePlot() {
    }

    static void write(Path png, String title, String[] names, double[][] series) throws Exception {
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
        double min = 0;
        for (double[] s : series) {
            for (double v : s) {
                max = Math.max(max, v);
                min = Math.min(min, v);
            }
        }
        if (max == min) {
            max = min + 1;
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
            g.drawString(String.format(Locale.ROOT, "%.1f", min + (max - min) * i / 4), 10, y + 4);
            g.setColor(Color.LIGHT_GRAY);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, w - left - right, h - top - bottom);
        g.drawString(title, left, 25);
        g.drawString("simulated hour of day", w / 2 - 50, h - 15);
        for (int k = 0; k < series.length; k++) {
            double[] ys = series[k];
            g.setColor(COLORS[k % COLORS.length]);
            g.setStroke(new BasicStroke(2.5f));
            for (int i = 1; i < ys.length; i++) {
                int x0 = left + (w - left - right) * i / ys.length;
                int x1 = left + (w - left - right) * (i + 1) / ys.length;
                int y0 = h - bottom - (int) ((h - top - bottom) * (ys[i - 1] - min) / (max - min));
                int y1 = h - bottom - (int) ((h - top - bottom) * (ys[i] - min) / (max - min));
                g.drawLine(x0, y0, x1, y1);
            }
            g.setStroke(new BasicStroke(1));
            g.drawString(names[k], left + 20, top + 20 + 18 * k);
        }
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }
}
