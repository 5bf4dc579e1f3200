package dev.dptrain.bench.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.Shape;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.worker.data.DataFormatException;
import dev.dptrain.worker.data.IdxRecords;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmarks' in-memory IDX pair: every pixel as value / 255 (unsigned), labels as read, counts checked. */
class IdxDatasetTest {
  @TempDir
  Path dir;

  private Path file(String name, int magic, int[] dims, int[] bytes) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + bytes.length);
    b.putInt(magic);
    for (int d : dims) b.putInt(d);
    for (int v : bytes) b.put((byte) v);
    Path p = dir.resolve(name);
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
      out.write(b.array());
    }
    return p;
  }

  @Test
  void readsImagesAndLabels() throws IOException {
    int[] pixels = {0, 255, 128, 1, 2, 3, 200, 201, 254, 127, 0, 255};
    Path im = file("im.gz", IdxRecords.IMAGES_MAGIC, new int[] {2, 2, 3}, pixels);
    Path lb = file("lb.gz", IdxRecords.LABELS_MAGIC, new int[] {2}, new int[] {7, 9});
    Dataset d = IdxDataset.read(im, lb);
    assertEquals(Shape.image(1, 2, 3), d.shape());
    float[] expected = new float[pixels.length];
    for (int i = 0; i < pixels.length; i++) expected[i] = pixels[i] * (1f / 255f);
    assertArrayEquals(expected, d.features());
    assertArrayEquals(new float[] {7, 9}, d.labels());
  }

  @Test
  void aLabelCountOtherThanTheImageCountNamesBothFiles() throws IOException {
    Path im = file("im.gz", IdxRecords.IMAGES_MAGIC, new int[] {2, 1, 1}, new int[] {1, 2});
    Path lb = file("lb.gz", IdxRecords.LABELS_MAGIC, new int[] {3}, new int[] {0, 1, 2});
    String msg = assertThrows(DataFormatException.class, () -> IdxDataset.read(im, lb)).getMessage();
    assertTrue(msg.contains(im + " holds 2 images but " + lb + " holds 3 labels"), msg);
  }
}
