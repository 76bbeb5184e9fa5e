package io.grpcbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * {@code chart --out FILE.png [--title T] [--label L] result.json ...}: a PNG with the headline
 * rate of each result and, for results that have them, their latency percentiles.
 */
final class Chart {

    private static final String[] PERCENTILES = {"p50", "p90", "p99", "p99_9"};
    private static final int PANEL_WIDTH = 640;
    private static final int HEIGHT = 480;
    private static final int TITLE_HEIGHT = 40;
    private static final Paint[] PALETTE = {
        new Color(0x4C72B0), new Color(0xDD8452), new Color(0x55A868), new Color(0xC44E52),
        new Color(0x8172B3), new Color(0x937860), new Color(0xDA8BC3), new Color(0x8C8C8C)};

    /** One result file and the name it is shown under. */
    record Run(String label, JsonNode result) {}

    private Chart() {
    }

    static int run(String[] args) throws IOException {
        Path out = null;
        String title = null;
        String label = null;
        List<Run> runs = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--out" -> out = Path.of(value(args, ++i, "--out"));
                    case "--title" -> title = value(args, ++i, "--title");
                    case "--label" -> label = value(args, ++i, "--label");
                    default -> {
                        if (args[i].startsWith("-")) {
                            throw new UsageException("chart: unknown option '" + args[i] + "'");
                        }
                        Path file = Path.of(args[i]);
                        if (!Files.isReadable(file)) {
                            throw new UsageException("chart: cannot read " + file);
                        }
                        String name = file.getFileName().toString().replaceFirst("\\.json$", "");
                        runs.add(new Run(label != null ? label : name, json.readTree(file.toFile())));
                        label = null;
                    }
                }
            }
            if (out == null || runs.isEmpty()) {
                throw new UsageException("chart needs --out FILE.png and at least one result file");
            }
        } catch (UsageException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.print(Options.USAGE);
            return 2;
        }
        render(title, runs, out);
        System.out.println("wrote " + out);
        return 0;
    }

    private static String value(String[] args, int i, String option) throws UsageException {
        if (i >= args.length) {
            throw new UsageException("chart: " + option + " needs a value");
        }
        return args[i];
    }

    static void render(String title, List<Run> runs, Path out) throws IOException {
        List<JFreeChart> panels = new ArrayList<>();
        panels.add(rateChart(runs));
        DefaultCategoryDataset latency = latencyDataset(runs);
        if (latency.getRowCount() > 0) {
            JFreeChart chart = bars("latency percentiles (µs)", "µs", latency, true);
            BarRenderer renderer = (BarRenderer) chart.getCategoryPlot().getRenderer();
            List<String> labels = runs.stream().map(Run::label).toList();
            for (int row = 0; row < latency.getRowCount(); row++) {
                renderer.setSeriesPaint(row, colour(labels.indexOf((String) latency.getRowKey(row))));
            }
            panels.add(chart);
        }
        int top = title == null ? 0 : TITLE_HEIGHT;
        BufferedImage image = new BufferedImage(PANEL_WIDTH * panels.size(), HEIGHT + top, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        if (title != null) {
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
            g.drawString(title, 16, 28);
        }
        for (int i = 0; i < panels.size(); i++) {
            panels.get(i).draw(g, new Rectangle2D.Double(i * PANEL_WIDTH, top, PANEL_WIDTH, HEIGHT));
        }
        g.dispose();
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ImageIO.write(image, "png", out.toFile());
    }

    /** Each run's headline rate; the unit is named once if all runs share it, else per bar. */
    private static JFreeChart rateChart(List<Run> runs) {
        Set<String> units = new LinkedHashSet<>();
        runs.forEach(r -> units.add(unit(r.result())));
        boolean oneUnit = units.size() == 1;
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Run r : runs) {
            String key = r.result().path("rate").asText();
            String category = oneUnit ? r.label() : r.label() + "\n" + unit(r.result());
            data.addValue(r.result().path(key).asDouble(0), "rate", category);
        }
        JFreeChart chart = bars(oneUnit ? units.iterator().next() : "rate", "per second", data, false);
        // One colour per run, the same as the run's in the latency panel.
        chart.getCategoryPlot().setRenderer(new BarRenderer() {
            @Override
            public Paint getItemPaint(int row, int column) {
                return colour(column);
            }
        });
        style((BarRenderer) chart.getCategoryPlot().getRenderer());
        chart.getCategoryPlot().getDomainAxis().setMaximumCategoryLabelLines(3);
        return chart;
    }

    private static Paint colour(int run) {
        return PALETTE[run % PALETTE.length];
    }

    private static DefaultCategoryDataset latencyDataset(List<Run> runs) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Run r : runs) {
            JsonNode latency = r.result().path("latency_us");
            if (latency.path("n").asLong(0) > 0) {
                for (String p : PERCENTILES) {
                    data.addValue(latency.path(p).asDouble(), r.label(), p.replace('_', '.'));
                }
            }
        }
        return data;
    }

    /** "round_trips_per_s" → "round trips/s". */
    private static String unit(JsonNode result) {
        return result.path("rate").asText("rate").replace("_per_s", "/s").replace('_', ' ');
    }

    private static JFreeChart bars(String title, String axis, DefaultCategoryDataset data, boolean legend) {
        JFreeChart chart = ChartFactory.createBarChart(title, null, axis, data, PlotOrientation.VERTICAL, legend, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        style((BarRenderer) plot.getRenderer());
        return chart;
    }

    private static void style(BarRenderer renderer) {
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", new DecimalFormat("#,##0")));
        renderer.setDefaultItemLabelsVisible(true);
        renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    }
}
