package dev.dptrain.driver.report;

import java.util.Locale;

/**
 * A metrics.jsonl as {@link dev.dptrain.driver.metrics.MetricsLog} writes it: a run of 3 epochs
 * of 100 steps that crashed after step 250 and resumed from the checkpoint at step 200, with
 * update ratios every 10 steps, and a half-written last line.
 */
final class SyntheticMetrics {
  private SyntheticMetrics() {}

  static String text() {
    StringBuilder sb = new StringBuilder();
    String layers = "[{\"index\":0,\"name\":\"dense(32, he_normal)\",\"params\":100},"
        + "{\"index\":2,\"name\":\"dense(10, he_normal)\",\"params\":330}]";
    sb.append(start(0, 0, layers));
    for (int s = 1; s <= 250; s++) {
      sb.append(step(s, 0.0));
      if (s % 100 == 0) sb.append(epoch(s / 100));
    }
    sb.append(start(200, 2, layers));
    for (int s = 201; s <= 300; s++) sb.append(step(s, 0.0));
    sb.append(epoch(3));
    sb.append("{\"type\":\"step\",\"step\":30");
    return sb.toString();
  }

  private static String start(long step, int epoch, String layers) {
    return String.format(Locale.ROOT, "{\"type\":\"start\",\"time\":\"2026-01-01T00:00:00Z\",\"step\":%d,\"epoch\":%d,"
        + "\"steps_per_epoch\":100,\"epochs\":3,\"batch_size\":64,\"params\":430,\"layers\":%s,"
        + "\"config\":\"model { input = [8] }\\ntrain { epochs = 3 } # <b>not bold</b>\","
        + "\"summary\":\"#    layer   output   params\\n0    dense(32)   [32]   100\\n\"}%n", step, epoch, layers);
  }

  static double loss(int s) {
    return 2.0 * Math.exp(-s / 80.0) + 0.3 + 0.05 * Math.sin(s);
  }

  private static String step(int s, double unused) {
    String ratio = s % 10 == 0 ? String.format(Locale.ROOT, ",\"update_ratio\":[%g,%g]", 1e-2 * Math.exp(-s / 100.0), 2e-3) : "";
    return String.format(Locale.ROOT, "{\"type\":\"step\",\"step\":%d,\"epoch\":%d,\"loss\":%.5f,\"accuracy\":0.5,"
        + "\"lr\":%.5f,\"grad_norm\":%.4f,\"examples\":64,\"samples_per_s\":%.1f,\"wall_ms\":20,\"compute_ms\":15,"
        + "\"time_s\":%.2f%s}%n", s, (s - 1) / 100 + 1, loss(s), 0.1 * Math.cos(Math.PI * s / 600), 1 + 1.0 / s,
        3000 + 100 * Math.sin(s / 7.0), s * 0.02, ratio);
  }

  private static String epoch(int e) {
    return String.format(Locale.ROOT, "{\"type\":\"epoch\",\"epoch\":%d,\"step\":%d,\"train_loss\":%.4f,"
        + "\"train_accuracy\":%.4f,\"validation_loss\":%.4f,\"validation_accuracy\":%.4f,\"time_s\":%.1f}%n",
        e, e * 100, 1.0 / e, 0.7 + 0.05 * e, 1.1 / e, 0.68 + 0.05 * e, e * 2.5);
  }
}
