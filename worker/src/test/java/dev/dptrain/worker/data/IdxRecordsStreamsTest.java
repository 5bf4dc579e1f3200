package dev.dptrain.worker.data;

import static dev.dptrain.worker.data.IdxRecordsTest.gzip;
import static dev.dptrain.worker.data.IdxRecordsTest.idx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Tuple2;

/**
 * Every file an IDX range opens is closed again: when the range is read to its end, when a record
 * is cut short, and when opening the second file or seeking to the range fails (an executor reads
 * many ranges; a leaked stream per task would exhaust its file handles). Counted through Hadoop's
 * local file system, registered for {@code file:} with a count of the streams it has open.
 */
class IdxRecordsStreamsTest {
  private static final LabelRule TEN = LabelRule.classes(10);

  /** The local file system, counting its open input streams. */
  public static final class CountingFileSystem extends LocalFileSystem {
    static final AtomicInteger OPEN = new AtomicInteger();

    @Override
    public FSDataInputStream open(org.apache.hadoop.fs.Path f, int bufferSize) throws IOException {
      FSDataInputStream in = super.open(f, bufferSize);
      OPEN.incrementAndGet();
      return new FSDataInputStream(in) {
        private boolean closed;

        @Override
        public void close() throws IOException {
          if (!closed) OPEN.decrementAndGet();
          closed = true;
          super.close();
        }
      };
    }
  }

  @TempDir
  Path dir;

  private Configuration conf;

  @BeforeEach
  void countingFileSystem() {
    conf = new Configuration();
    conf.setClass("fs.file.impl", CountingFileSystem.class, FileSystem.class);
    conf.setBoolean("fs.file.impl.disable.cache", true);
    CountingFileSystem.OPEN.set(0);
  }

  private String file(String name, byte[] bytes) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return p.toString();
  }

  /** {@code n} images of 1x2 pixels announced, {@code stored} of them in the file. */
  private static byte[] images(int n, int stored) {
    return idx(IdxRecords.IMAGES_MAGIC, new int[] {n, 1, 2}, new byte[2 * stored]);
  }

  private static byte[] labels(int n, int stored) {
    return idx(IdxRecords.LABELS_MAGIC, new int[] {n}, new byte[stored]);
  }

  private IdxRecords.Header header(String path, boolean images) throws IOException {
    IdxRecords.Header h = IdxRecords.header(path, images, conf);
    assertEquals(0, CountingFileSystem.OPEN.get(), "reading a header leaves no file open");
    return h;
  }

  @Test
  void aRangeReadToItsEndClosesBothFiles() throws IOException {
    for (boolean gz : new boolean[] {false, true}) {
      IdxRecords.Header im = header(file("im" + gz, gz ? gzip(images(5, 5)) : images(5, 5)), true);
      IdxRecords.Header lb = header(file("lb" + gz, gz ? gzip(labels(5, 5)) : labels(5, 5)), false);
      Iterator<Tuple2<RecordKey, Example>> it = IdxRecords.read(im, lb, 1, 4, TEN, conf);
      assertEquals(2, CountingFileSystem.OPEN.get(), "images and labels open while the range is read");
      for (long i = 1; i < 4; i++) assertEquals(new RecordKey(0, i), it.next()._1());
      assertFalse(it.hasNext());
      assertEquals(0, CountingFileSystem.OPEN.get(), "both closed at the end of the range");
      assertThrows(NoSuchElementException.class, it::next);
      assertFalse(it.hasNext());
      assertEquals(0, CountingFileSystem.OPEN.get());
    }
  }

  @Test
  void aRecordCutShortClosesBothFiles() throws IOException {
    // A gzip file cannot be checked against its length up front: 5 images announced, 3 stored.
    String cut = file("cut.gz", gzip(images(5, 3)));
    IdxRecords.Header im = header(cut, true);
    IdxRecords.Header lb = header(file("lb", labels(5, 5)), false);
    Iterator<Tuple2<RecordKey, Example>> it = IdxRecords.read(im, lb, 0, 5, TEN, conf);
    for (int i = 0; i < 3; i++) it.next();
    String msg = assertThrows(DataFormatException.class, it::next).getMessage();
    assertEquals(cut + ": truncated: the header announces 5 records of 2 bytes but the data ends inside record 3", msg);
    assertEquals(0, CountingFileSystem.OPEN.get());
  }

  @Test
  void aRangeStartingPastTheDataClosesWhatItOpened() throws IOException {
    String cut = file("cut.gz", gzip(images(5, 3)));
    IdxRecords.Header im = header(cut, true);
    IdxRecords.Header lb = header(file("lb", labels(5, 5)), false);
    String msg = assertThrows(DataFormatException.class, () -> IdxRecords.read(im, lb, 4, 5, TEN, conf)).getMessage();
    assertEquals(cut + ": truncated: the header announces 5 records but the data ends before record 4", msg);
    assertEquals(0, CountingFileSystem.OPEN.get());
    // The labels file fails to open at the range: the images file, opened first, is closed too.
    String cutLabels = file("cut-lb.gz", gzip(labels(5, 3)));
    IdxRecords.Header im5 = header(file("im", images(5, 5)), true);
    IdxRecords.Header lbCut = header(cutLabels, false);
    msg = assertThrows(DataFormatException.class, () -> IdxRecords.read(im5, lbCut, 4, 5, TEN, conf)).getMessage();
    assertEquals(cutLabels + ": truncated: the header announces 5 records but the data ends before record 4", msg);
    assertEquals(0, CountingFileSystem.OPEN.get());
  }

  @Test
  void gzipDataDamagedAfterPlanningClosesTheFile() throws IOException {
    String path = file("im.gz", gzip(images(5, 5)));
    IdxRecords.Header im = header(path, true);
    // Replaced after the header was read: a valid gzip header, then a deflate block of the
    // reserved type 3 (first byte 0xff), which the inflater refuses.
    byte[] damaged = Arrays.copyOf(gzip(images(5, 5)), 30);
    Arrays.fill(damaged, 10, 30, (byte) 0xff);
    file("im.gz", damaged);
    String msg = assertThrows(DataFormatException.class, () -> IdxRecords.read(im, null, 2, 5, TEN, conf)).getMessage();
    assertTrue(msg.startsWith(path + ": corrupt gzip data ("), msg);
    assertEquals(0, CountingFileSystem.OPEN.get());
  }

  @Test
  void aGzipHeaderDamagedAfterPlanningClosesTheFile() throws IOException {
    String path = file("im.gz", gzip(images(5, 5)));
    IdxRecords.Header im = header(path, true);
    byte[] damaged = gzip(images(5, 5));
    damaged[2] = 7; // compression method 7: not deflate, refused while the gzip header is read
    file("im.gz", damaged);
    String msg = assertThrows(DataFormatException.class, () -> IdxRecords.read(im, null, 0, 5, TEN, conf)).getMessage();
    assertTrue(msg.startsWith(path + ": corrupt gzip data ("), msg);
    assertEquals(0, CountingFileSystem.OPEN.get());
  }

  @Test
  void headerKindAndDataSourceOfAnIdxPair() throws IOException {
    assertTrue(header(file("im", images(1, 1)), true).images());
    assertFalse(header(file("lb", labels(1, 1)), false).images());
    assertEquals(new DataSource("idx", "a", "b", null, null, false, ','), DataSource.idx("a", "b"));
  }
}
