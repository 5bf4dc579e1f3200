package dev.dptrain.worker.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Tuple2;

/** IDX headers checked against the file before anything is allocated; ranges read by seek or from a gzip start. */
class IdxRecordsTest {
  private static final Configuration CONF = new Configuration();
  private static final LabelRule TEN = LabelRule.classes(10);

  @TempDir
  Path dir;

  static byte[] idx(int magic, int[] dims, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
    b.putInt(magic);
    for (int d : dims) b.putInt(d);
    b.put(data);
    return b.array();
  }

  static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(raw);
    }
    return out.toByteArray();
  }

  private String file(String name, byte[] bytes) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return p.toString();
  }

  /** 7 images of 2x3 pixels (pixel j of image i = 10i + j) and labels i % 10. */
  private byte[][] sample() {
    byte[] px = new byte[7 * 6];
    byte[] lb = new byte[7];
    for (int i = 0; i < 7; i++) {
      for (int j = 0; j < 6; j++) px[i * 6 + j] = (byte) (10 * i + j);
      lb[i] = (byte) (i % 10);
    }
    return new byte[][] {idx(IdxRecords.IMAGES_MAGIC, new int[] {7, 2, 3}, px), idx(IdxRecords.LABELS_MAGIC, new int[] {7}, lb)};
  }

  private static List<Tuple2<RecordKey, Example>> all(Iterator<Tuple2<RecordKey, Example>> it) {
    List<Tuple2<RecordKey, Example>> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  @Test
  void rangesOfPlainAndGzipFilesGiveTheSameRecords() throws IOException {
    byte[][] s = sample();
    for (boolean gz : new boolean[] {false, true}) {
      String im = file("im" + gz, gz ? gzip(s[0]) : s[0]);
      String lb = file("lb" + gz, gz ? gzip(s[1]) : s[1]);
      IdxRecords.Header hi = IdxRecords.header(im, true, CONF);
      IdxRecords.Header hl = IdxRecords.header(lb, false, CONF);
      assertEquals(7, hi.count());
      assertEquals(6, hi.recordBytes());
      assertEquals(gz, hi.gzip());
      List<Tuple2<RecordKey, Example>> r = all(IdxRecords.read(hi, hl, 2, 5, TEN, CONF));
      assertEquals(3, r.size());
      for (int k = 0; k < 3; k++) {
        int i = 2 + k;
        assertEquals(new RecordKey(0, i), r.get(k)._1());
        float[] want = new float[6];
        for (int j = 0; j < 6; j++) want[j] = (10 * i + j) * (1f / 255f);
        float[] got = new float[6];
        r.get(k)._2().copyTo(got, 0);
        assertArrayEquals(want, got);
        assertEquals(6, r.get(k)._2().pixels().length, "IDX images stay 8-bit");
        assertEquals(i, r.get(k)._2().label());
      }
      assertEquals(7, all(IdxRecords.read(hi, null, 0, 7, LabelRule.IGNORED, CONF)).size());
    }
  }

  @Test
  void headerClaimsAreCheckedAgainstTheFileLength() throws IOException {
    // A 1 KB file claiming 2.7 M images, and one claiming 2^31 - 1 images of 2^31 - 1 pixels.
    String big = file("big", idx(IdxRecords.IMAGES_MAGIC, new int[] {2_700_000, 28, 28}, new byte[1000]));
    String msg = assertThrows(DataFormatException.class, () -> IdxRecords.header(big, true, CONF)).getMessage();
    assertTrue(msg.contains(big) && msg.contains("2700000 records of 784 bytes") && msg.contains("1016 bytes"), msg);
    String huge = file("huge", idx(IdxRecords.IMAGES_MAGIC, new int[] {Integer.MAX_VALUE, 1, Integer.MAX_VALUE}, new byte[8]));
    msg = assertThrows(DataFormatException.class, () -> IdxRecords.header(huge, true, CONF)).getMessage();
    assertTrue(msg.contains(huge) && msg.contains("too large"), msg);
    String labels = file("lab", idx(IdxRecords.LABELS_MAGIC, new int[] {Integer.MAX_VALUE}, new byte[3]));
    msg = assertThrows(DataFormatException.class, () -> IdxRecords.header(labels, false, CONF)).getMessage();
    assertTrue(msg.contains("2147483647 records of 1 bytes"), msg);
    String wrong = file("wrong", idx(IdxRecords.LABELS_MAGIC, new int[] {1}, new byte[1]));
    msg = assertThrows(DataFormatException.class, () -> IdxRecords.header(wrong, true, CONF)).getMessage();
    assertTrue(msg.contains("not an IDX image file: magic number 0x801"), msg);
    String empty = file("empty", new byte[2]);
    msg = assertThrows(DataFormatException.class, () -> IdxRecords.header(empty, true, CONF)).getMessage();
    assertTrue(msg.contains(empty) && msg.contains("truncated header"), msg);
  }

  @Test
  void aHeaderCutAnywhereOrOfTheOtherKindNamesTheFile() throws IOException {
    byte[] images = sample()[0];
    // Cut after the magic, inside the count, after the count, after the rows; plain and gzip.
    for (int cut : new int[] {4, 6, 8, 12}) {
      for (boolean gz : new boolean[] {false, true}) {
        byte[] head = java.util.Arrays.copyOf(images, cut);
        String f = file("cut" + cut + gz, gz ? gzip(head) : head);
        String msg = assertThrows(DataFormatException.class, () -> IdxRecords.header(f, true, CONF)).getMessage();
        assertTrue(msg.contains(f) && msg.contains("truncated header"), msg);
      }
    }
    String notLabels = file("images-as-labels", images);
    String msg = assertThrows(DataFormatException.class, () -> IdxRecords.header(notLabels, false, CONF)).getMessage();
    assertTrue(msg.contains(notLabels + ": not an IDX label file: magic number 0x803, expected 0x00000801"), msg);
    String zero = file("zero-rows", idx(IdxRecords.IMAGES_MAGIC, new int[] {1, 0, 3}, new byte[0]));
    msg = assertThrows(DataFormatException.class, () -> IdxRecords.header(zero, true, CONF)).getMessage();
    assertTrue(msg.contains(zero + ": rows is 0, expected a positive number"), msg);
  }

  @Test
  void gzipDataAfterTheAnnouncedRecordsNamesTheFile() throws IOException {
    // A gzip file cannot be checked against its length up front: the last record's read looks
    // past it. One extra zero byte is enough, after the images and after the labels.
    byte[][] s = sample();
    String im = file("im.gz", gzip(s[0]));
    String lb = file("lb.gz", gzip(s[1]));
    String longIm = file("long-im.gz", gzip(java.util.Arrays.copyOf(s[0], s[0].length + 1)));
    String longLb = file("long-lb.gz", gzip(java.util.Arrays.copyOf(s[1], s[1].length + 1)));
    IdxRecords.Header hi = IdxRecords.header(im, true, CONF);
    IdxRecords.Header hl = IdxRecords.header(lb, false, CONF);
    assertEquals(7, all(IdxRecords.read(hi, hl, 0, 7, TEN, CONF)).size());
    IdxRecords.Header longHi = IdxRecords.header(longIm, true, CONF);
    String msg = assertThrows(DataFormatException.class,
        () -> all(IdxRecords.read(longHi, hl, 0, 7, TEN, CONF))).getMessage();
    assertTrue(msg.contains(longIm + ": more data after the 7 records"), msg);
    IdxRecords.Header longHl = IdxRecords.header(longLb, false, CONF);
    msg = assertThrows(DataFormatException.class, () -> all(IdxRecords.read(hi, longHl, 0, 7, TEN, CONF))).getMessage();
    assertTrue(msg.contains(longLb + ": more data after the 7 records"), msg);
    // A range that stops before the last record does not look at the end.
    assertEquals(6, all(IdxRecords.read(longHi, longHl, 0, 6, TEN, CONF)).size());
  }

  @Test
  void pixelsAreUnsigned() throws IOException {
    String im = file("bright", idx(IdxRecords.IMAGES_MAGIC, new int[] {1, 1, 3}, new byte[] {(byte) 200, (byte) 255, 127}));
    IdxRecords.Header h = IdxRecords.header(im, true, CONF);
    float[] got = new float[3];
    all(IdxRecords.read(h, null, 0, 1, LabelRule.IGNORED, CONF)).get(0)._2().copyTo(got, 0);
    assertArrayEquals(new float[] {200 * (1f / 255f), 1f, 127 * (1f / 255f)}, got);
  }

  @Test
  void damagedGzipNamesTheFile() throws IOException {
    byte[][] s = sample();
    byte[] z = gzip(s[0]);
    z[z.length - 6] ^= 0x5a; // inside the CRC32 trailer
    String im = file("crc.gz", z);
    String lb = file("lb", s[1]);
    IdxRecords.Header hi = IdxRecords.header(im, true, CONF);
    IdxRecords.Header hl = IdxRecords.header(lb, false, CONF);
    String msg = assertThrows(DataFormatException.class, () -> all(IdxRecords.read(hi, hl, 0, 7, TEN, CONF))).getMessage();
    assertTrue(msg.contains(im) && msg.contains("corrupt gzip"), msg);

    byte[] cut = java.util.Arrays.copyOf(gzip(s[0]), 30);
    String truncated = file("cut.gz", cut);
    IdxRecords.Header ht = IdxRecords.header(truncated, true, CONF);
    msg = assertThrows(DataFormatException.class, () -> all(IdxRecords.read(ht, hl, 0, 7, TEN, CONF))).getMessage();
    assertTrue(msg.contains(truncated) && (msg.contains("truncated") || msg.contains("corrupt gzip")), msg);

    byte[] garbage = new byte[64];
    garbage[0] = 0x1f;
    garbage[1] = (byte) 0x8b;
    String bad = file("garbage.gz", garbage);
    msg = assertThrows(DataFormatException.class, () -> IdxRecords.header(bad, true, CONF)).getMessage();
    assertTrue(msg.contains(bad) && msg.contains("corrupt gzip"), msg);
  }

  @Test
  void labelsOutsideTheClassesNameTheLabelsFile() throws IOException {
    byte[][] s = sample();
    String im = file("im", s[0]);
    String lb = file("lb", s[1]);
    IdxRecords.Header hi = IdxRecords.header(im, true, CONF);
    IdxRecords.Header hl = IdxRecords.header(lb, false, CONF);
    String msg = assertThrows(DataFormatException.class,
        () -> all(IdxRecords.read(hi, hl, 0, 7, LabelRule.classes(3), CONF))).getMessage();
    assertTrue(msg.contains(lb + ": record 3") && msg.contains("label 3.0 is not a class index in [0, 3)"), msg);
  }

  @Test
  void headerErrorsSayWhatWasExpected() throws IOException {
    String labels = file("labels-as-images", sample()[1]);
    String msg = assertThrows(DataFormatException.class, () -> IdxRecords.header(labels, true, CONF)).getMessage();
    assertEquals(labels + ": not an IDX image file: magic number 0x801, expected 0x00000803 (unsigned bytes, 3 dimensions)", msg);
    // The largest image allowed, 233 x 2304167 = (2^31 - 1) / 4 pixels, passes the size check
    // (and fails the length check of this short file); one row more is too large.
    String largest = file("largest", idx(IdxRecords.IMAGES_MAGIC, new int[] {1, 233, 2304167}, new byte[4]));
    msg = assertThrows(DataFormatException.class, () -> IdxRecords.header(largest, true, CONF)).getMessage();
    assertEquals(largest + ": the header announces 1 records of 536870911 bytes (536870927 bytes with the header) but"
        + " the file has 20 bytes", msg);
    String larger = file("larger", idx(IdxRecords.IMAGES_MAGIC, new int[] {1, 234, 2304167}, new byte[4]));
    msg = assertThrows(DataFormatException.class, () -> IdxRecords.header(larger, true, CONF)).getMessage();
    assertEquals(larger + ": images of 234x2304167 pixels are too large", msg);
  }
}
