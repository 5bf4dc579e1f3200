package dev.dptrain.driver.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens a generated report in headless Chromium: the DOM the browser built must hold every
 * chart with its points, and a screenshot must show drawn charts. Skipped only when no Chromium
 * is installed ({@code apt-get install chromium}; .ci/run installs it).
 */
class HtmlReportBrowserTest {
  private static String chromium() {
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
        if (Files.isExecutable(Path.of(dir, name))) return Path.of(dir, name).toString();
      }
    }
    return null;
  }

  private static String run(Path work, String... browserArgs) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(chromium(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + Files.createTempDirectory(work, "profile")));
    cmd.addAll(List.of(browserArgs));
    Path stdout = work.resolve("stdout-" + System.nanoTime());
    Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish within 120 s: " + cmd);
    }
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }

  @Test
  void chromiumRendersEveryChart(@TempDir Path dir) throws Exception {
    assumeTrue(chromium() != null, "chromium is not installed");
    Files.writeString(dir.resolve("metrics.jsonl"), SyntheticMetrics.text());
    HtmlReport.write(dir.toString(), new Configuration());
    String url = dir.resolve("report.html").toUri().toString();

    String dom = run(dir, "--dump-dom", url);
    assertTrue(dom.contains("dptrain run report"), "the browser loaded the page: " + dom.substring(0, Math.min(200, dom.length())));
    assertEquals(List.of(3, 3), HtmlReportTest.seriesPoints(dom, "chart-epoch-loss"));
    assertEquals(List.of(3, 3), HtmlReportTest.seriesPoints(dom, "chart-epoch-accuracy"));
    assertEquals(List.of(300, 300), HtmlReportTest.seriesPoints(dom, "chart-step-loss"));
    assertEquals(List.of(300), HtmlReportTest.seriesPoints(dom, "chart-lr"));
    assertEquals(List.of(300), HtmlReportTest.seriesPoints(dom, "chart-grad-norm"));
    assertEquals(List.of(30, 30), HtmlReportTest.seriesPoints(dom, "chart-update-ratio"));
    assertEquals(List.of(300, 300), HtmlReportTest.seriesPoints(dom, "chart-throughput"));
    assertEquals(List.of(3, 3), HtmlReportTest.seriesPoints(dom, "chart-gap"));
    assertEquals(18, dom.split("<circle class=\"marker\"", -1).length - 1,
        "3 markers per epoch series, 2 series in each of the 3 epoch charts (loss, accuracy, train/validation gap)");

    Path png = dir.resolve("report.png");
    run(dir, "--screenshot=" + png, "--window-size=1200,2000", "--hide-scrollbars", url);
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(1200, image.getWidth());
    // Coloured (not grey, not white) pixels are drawn series: the charts cover a real area.
    long coloured = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y);
        int r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;
        if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60) coloured++;
      }
    }
    assertTrue(coloured > 5_000, "only " + coloured + " coloured pixels in the screenshot");
  }
}
