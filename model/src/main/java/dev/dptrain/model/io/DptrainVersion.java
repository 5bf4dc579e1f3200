package dev.dptrain.model.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The dptrain version, from the build (Maven filters {@code dptrain-version.properties}). */
public final class DptrainVersion {
  private DptrainVersion() {}

  public static String get() {
    try (InputStream in = DptrainVersion.class.getResourceAsStream("/dptrain-version.properties")) {
      if (in == null) return "unknown";
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
