package dev.dptrain.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.Shape;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
  @TempDir
  Path dir;

  /** Pixel bytes of 3 images of 2x3, including 0, 255 and a value over 127 (unsigned!). */
  private static final int[] PIXELS = {
      0, 255, 128, 1, 2, 3,
      10, 20, 30, 40, 50, 60,
      200, 201, 254, 127, 0, 255};
  private static final int[] LABELS = {7, 0, 9};

  private static byte[] imagesBytes(int magic, int n, int rows, int cols, int[] pixels) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bo);
    out.writeInt(magic);
    out.writeInt(n);
    out.writeInt(rows);
    out.writeInt(cols);
    for (int p : pixels) out.writeByte(p);
    out.flush();
    return bo.toByteArray();
  }

  private static byte[] labelsBytes(int magic, int n, int[] labels) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bo);
    out.writeInt(magic);
    out.writeInt(n);
    for (int l : labels) out.writeByte(l);
    out.flush();
    return bo.toByteArray();
  }

  private Path write(String name, byte[] content, boolean gzip) throws IOException {
    Path p = dir.resolve(name);
    try (OutputStream os = gzip ? new GZIPOutputStream(Files.newOutputStream(p)) : Files.newOutputStream(p)) {
      os.write(content);
    }
    return p;
  }

  private void checkSample(Dataset d) {
    assertEquals(3, d.size());
    assertEquals(Shape.image(1, 2, 3), d.shape());
    assertEquals(1, d.labelWidth());
    assertEquals(PIXELS.length, d.features().length);
    for (int i = 0; i < PIXELS.length; i++) {
      assertEquals(PIXELS[i] / 255.0, d.features()[i], 1e-7, "pixel " + i);
      assertTrue(d.features()[i] >= 0f && d.features()[i] <= 1f);
    }
    assertEquals(0f, d.features()[0]);
    assertEquals(1f, d.features()[1], "255 maps to exactly 1");
    assertArrayEquals(new float[] {7, 0, 9}, d.labels());
  }

  @Test
  void readsPlainFiles() throws IOException {
    Path im = write("img-idx3-ubyte", imagesBytes(0x803, 3, 2, 3, PIXELS), false);
    Path lb = write("lbl-idx1-ubyte", labelsBytes(0x801, 3, LABELS), false);
    checkSample(IdxReader.read(im, lb));
  }

  @Test
  void readsGzipFiles() throws IOException {
    Path im = write("img-idx3-ubyte.gz", imagesBytes(0x803, 3, 2, 3, PIXELS), true);
    Path lb = write("lbl-idx1-ubyte.gz", labelsBytes(0x801, 3, LABELS), true);
    checkSample(IdxReader.read(im, lb));
    // Mixed: gzip images, plain labels (detection is per file, from its first bytes).
    Path lbPlain = write("lbl-plain", labelsBytes(0x801, 3, LABELS), false);
    checkSample(IdxReader.read(im, lbPlain));
  }

  private static void assertMentions(Exception e, String... parts) {
    for (String s : parts) assertTrue(e.getMessage() != null && e.getMessage().contains(s),
        "message should mention '" + s + "': " + e.getMessage());
  }

  @Test
  void wrongImageMagicNamesFileAndExpectedMagic() throws IOException {
    // A label file passed as images: magic 0x801.
    Path im = write("not-images", labelsBytes(0x801, 3, LABELS), false);
    Path lb = write("labels", labelsBytes(0x801, 3, LABELS), false);
    IdxReader.IdxFormatException e = assertThrows(IdxReader.IdxFormatException.class, () -> IdxReader.read(im, lb));
    assertMentions(e, im.toString(), "0x00000803", "0x801");
  }

  @Test
  void wrongLabelMagicNamesFileAndExpectedMagic() throws IOException {
    Path im = write("images.gz", imagesBytes(0x803, 3, 2, 3, PIXELS), true);
    Path lb = write("not-labels.gz", imagesBytes(0x803, 3, 2, 3, PIXELS), true);
    IdxReader.IdxFormatException e = assertThrows(IdxReader.IdxFormatException.class, () -> IdxReader.read(im, lb));
    assertMentions(e, lb.toString(), "0x00000801");
  }

  @Test
  void truncatedImageDataNamesFile() throws IOException {
    byte[] full = imagesBytes(0x803, 3, 2, 3, PIXELS);
    for (boolean gzip : new boolean[] {false, true}) {
      // Cut inside the third image.
      Path im = write("short-images" + (gzip ? ".gz" : ""), java.util.Arrays.copyOf(full, full.length - 4), gzip);
      Path lb = write("labels" + (gzip ? ".gz" : ""), labelsBytes(0x801, 3, LABELS), gzip);
      IdxReader.IdxFormatException e = assertThrows(IdxReader.IdxFormatException.class, () -> IdxReader.read(im, lb));
      assertMentions(e, im.toString(), "truncated");
    }
  }

  @Test
  void truncatedLabelDataNamesFile() throws IOException {
    Path im = write("images", imagesBytes(0x803, 3, 2, 3, PIXELS), false);
    byte[] full = labelsBytes(0x801, 3, LABELS);
    Path lb = write("short-labels", java.util.Arrays.copyOf(full, full.length - 1), false);
    IdxReader.IdxFormatException e = assertThrows(IdxReader.IdxFormatException.class, () -> IdxReader.read(im, lb));
    assertMentions(e, lb.toString(), "truncated");
  }

  @Test
  void truncatedHeaderNamesFile() throws IOException {
    byte[] full = imagesBytes(0x803, 3, 2, 3, PIXELS);
    Path lb = write("labels", labelsBytes(0x801, 3, LABELS), false);
    // Cut after the magic, inside the count, after the count, after the rows.
    for (int cut : new int[] {4, 6, 8, 12}) {
      Path im = write("header-" + cut, java.util.Arrays.copyOf(full, cut), false);
      IdxReader.IdxFormatException e = assertThrows(IdxReader.IdxFormatException.class,
          () -> IdxReader.read(im, lb), "cut at " + cut);
      assertMentions(e, im.toString(), "truncated");
    }
    // Label header cut inside the count.
    Path im = write("images", full, false);
    Path shortLb = write("labels-header", java.util.Arrays.copyOf(labelsBytes(0x801, 3, LABELS), 6), false);
    IdxReader.IdxFormatException e = assertThrows(IdxReader.IdxFormatException.class, () -> IdxReader.read(im, shortLb));
    assertMentions(e, shortLb.toString(), "truncated");
  }

  @Test
  void fileShorterThanTheMagicNumberNamesFile() throws IOException {
    Path lb = write("labels", labelsBytes(0x801, 3, LABELS), false);
    for (int cut : new int[] {0, 2}) {
      Path im = write("tiny-" + cut, java.util.Arrays.copyOf(imagesBytes(0x803, 3, 2, 3, PIXELS), cut), false);
      IdxReader.IdxFormatException e = assertThrows(IdxReader.IdxFormatException.class,
          () -> IdxReader.read(im, lb), "cut at " + cut);
      assertMentions(e, im.toString(), "truncated");
    }
    Path im = write("images", imagesBytes(0x803, 3, 2, 3, PIXELS), false);
    Path emptyLb = write("empty-labels", new byte[0], false);
    IdxReader.IdxFormatException e = assertThrows(IdxReader.IdxFormatException.class, () -> IdxReader.read(im, emptyLb));
    assertMentions(e, emptyLb.toString(), "truncated");
  }

  @Test
  void countMismatchNamesBothFiles() throws IOException {
    Path im = write("three-images", imagesBytes(0x803, 3, 2, 3, PIXELS), false);
    Path lb = write("two-labels", labelsBytes(0x801, 2, new int[] {1, 2}), false);
    IdxReader.IdxFormatException e = assertThrows(IdxReader.IdxFormatException.class, () -> IdxReader.read(im, lb));
    assertMentions(e, im.toString(), lb.toString(), "3", "2");
  }

  @Test
  void nonPositiveDimensionIsRefused() throws IOException {
    Path im = write("zero-rows", imagesBytes(0x803, 3, 0, 3, new int[0]), false);
    Path lb = write("labels", labelsBytes(0x801, 3, LABELS), false);
    IdxReader.IdxFormatException e = assertThrows(IdxReader.IdxFormatException.class, () -> IdxReader.read(im, lb));
    assertMentions(e, im.toString(), "rows");
  }

  @Test
  void fashionMnistShapedGzipFiles() throws IOException {
    // A Fashion-MNIST-shaped set written here: 100 images of 28x28, gzip, 10 of each class, with
    // pixel values cycling through 0..255 so that both ends (and bytes above 127) occur.
    int n = 100;
    int[] pixels = new int[n * 784];
    for (int i = 0; i < pixels.length; i++) pixels[i] = (i * 7 + i / 784) % 256;
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) labels[i] = (i * 3) % 10;
    Path im = write("t10k-images-idx3-ubyte.gz", imagesBytes(0x803, n, 28, 28, pixels), true);
    Path lb = write("t10k-labels-idx1-ubyte.gz", labelsBytes(0x801, n, labels), true);
    Dataset d = IdxReader.read(im, lb);
    assertEquals(n, d.size());
    assertEquals(Shape.image(1, 28, 28), d.shape());
    assertEquals(n * 784, d.features().length);
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < pixels.length; i++) {
      float v = d.features()[i];
      assertEquals(pixels[i] / 255f, v, Math.ulp(1f), "pixel " + i);
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    assertEquals(0f, min);
    assertEquals(1f, max);
    int[] counts = new int[10];
    for (int i = 0; i < n; i++) {
      float y = d.labels()[i];
      assertEquals(labels[i], y, "label " + i);
      counts[(int) y]++;
    }
    for (int c = 0; c < 10; c++) assertEquals(10, counts[c], "class " + c);
  }
  @Test
  void imagesOnlyForPrediction() throws IOException {
    Dataset d = IdxReader.readImages(new java.io.ByteArrayInputStream(imagesBytes(0x803, 3, 2, 3, PIXELS)), "in.idx");
    assertEquals(3, d.size());
    assertEquals(Shape.image(1, 2, 3), d.shape());
    assertArrayEquals(new float[3], d.labels());
    for (int i = 0; i < PIXELS.length; i++) assertEquals(PIXELS[i] / 255.0, d.features()[i], 1e-7, "pixel " + i);
    IdxReader.IdxFormatException e = assertThrows(IdxReader.IdxFormatException.class,
        () -> IdxReader.readImages(new java.io.ByteArrayInputStream(labelsBytes(0x801, 3, LABELS)), "lab.idx"));
    assertTrue(e.getMessage().contains("lab.idx") && e.getMessage().contains("0x00000803"), e.getMessage());
  }
}
