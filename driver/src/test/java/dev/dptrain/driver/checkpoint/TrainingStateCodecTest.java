package dev.dptrain.driver.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.io.Framing;
import dev.dptrain.model.train.TrainingState;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class TrainingStateCodecTest {
  private static TrainingState sample() {
    TrainingState s = new TrainingState(new float[] {1.5f, -2f}, new float[] {0.25f, 0f}, new float[] {3f}, 42);
    s.step = 13;
    s.epoch = 1;
    s.stepInEpoch = 3;
    s.epochLossSum = 12.5;
    s.epochCount = 120;
    s.epochCorrect = 97;
    return s;
  }

  private static TrainingState decode(byte[] b) throws IOException {
    return TrainingStateCodec.decode(b, "test");
  }

  @Test
  void roundTripKeepsTheEpochSums() throws IOException {
    TrainingState s = sample();
    TrainingState r = decode(TrainingStateCodec.encode(s));
    assertArrayEquals(s.params, r.params);
    assertArrayEquals(s.optimizerState, r.optimizerState);
    assertArrayEquals(s.normState, r.normState);
    assertEquals(s.seed, r.seed);
    assertEquals(s.step, r.step);
    assertEquals(s.epoch, r.epoch);
    assertEquals(s.stepInEpoch, r.stepInEpoch);
    assertEquals(s.epochLossSum, r.epochLossSum);
    assertEquals(s.epochCount, r.epochCount);
    assertEquals(s.epochCorrect, r.epochCorrect);
  }

  /** The early-stopping best epoch travels with the checkpoint, bit for bit. */
  @Test
  void roundTripKeepsTheBestEpoch() throws IOException {
    TrainingState s = sample();
    assertEquals(null, decode(TrainingStateCodec.encode(s)).best);
    s.best = new TrainingState.Best(4, -0.3125, new float[] {Float.MIN_VALUE, -0f}, new float[] {7.25f});
    TrainingState r = decode(TrainingStateCodec.encode(s));
    assertEquals(4, r.best.epoch());
    assertEquals(-0.3125, r.best.score());
    assertArrayEquals(s.best.params(), r.best.params());
    assertArrayEquals(s.best.normState(), r.best.normState());
  }

  /** {@code s} in an older layout, written field by field as that version's writer did (1: no epoch sums; 2: no best epoch). */
  private static byte[] older(TrainingState s, int version) {
    return Framing.encode(TrainingStateCodec.MAGIC, version, 64, out -> {
      out.writeLong(s.seed);
      out.writeLong(s.step);
      out.writeInt(s.epoch);
      out.writeLong(s.stepInEpoch);
      Framing.writeFloats(out, s.params);
      Framing.writeFloats(out, s.optimizerState);
      Framing.writeFloats(out, s.normState);
      if (version >= 2) {
        out.writeDouble(s.epochLossSum);
        out.writeLong(s.epochCount);
        out.writeLong(s.epochCorrect);
      }
    });
  }

  /** A version-1 checkpoint (written before the epoch sums) still loads, its sums at zero. */
  @Test
  void readsVersionOne() throws IOException {
    TrainingState s = sample();
    TrainingState r = decode(older(s, 1));
    assertArrayEquals(s.params, r.params);
    assertEquals(13, r.step);
    assertEquals(3, r.stepInEpoch);
    assertEquals(0, r.epochCount);
  }

  /** A version-2 checkpoint (epoch sums, no best epoch) loads its sums. */
  @Test
  void readsVersionTwo() throws IOException {
    TrainingState r = decode(older(sample(), 2));
    assertEquals(12.5, r.epochLossSum);
    assertEquals(120, r.epochCount);
    assertEquals(97, r.epochCorrect);
    assertEquals(null, r.best);
  }

  /** States of any shape round trip: nothing at all, or far more optimiser or normalisation state than parameters. */
  @Test
  void statesOfAnyShapeRoundTrip() throws IOException {
    float[][][] shapes = {{{}, {}, {}}, {new float[10], new float[1000], {}}, {new float[10], {}, new float[3000]}};
    for (float[][] shape : shapes) {
      for (float[] a : shape) for (int i = 0; i < a.length; i++) a[i] = i * 0.5f - 3;
      TrainingState s = new TrainingState(shape[0], shape[1], shape[2], 5);
      s.step = 99;
      TrainingState r = decode(TrainingStateCodec.encode(s));
      assertArrayEquals(s.params, r.params);
      assertArrayEquals(s.optimizerState, r.optimizerState);
      assertArrayEquals(s.normState, r.normState);
      assertEquals(99, r.step);
    }
  }

  @Test
  void refusesAFutureVersion() {
    byte[] b = TrainingStateCodec.encode(sample());
    java.nio.ByteBuffer.wrap(b).putInt(4, TrainingStateCodec.VERSION + 1);
    IOException e = assertThrows(IOException.class, () -> decode(b));
    assertTrue(e.getMessage().contains("test: checkpoint format version " + (TrainingStateCodec.VERSION + 1)
        + ", this dptrain reads versions 1 to " + TrainingStateCodec.VERSION), e.getMessage());
    b[8 + 4 + 8 + 3] ^= 1; // a body byte
    java.nio.ByteBuffer.wrap(b).putInt(4, TrainingStateCodec.VERSION);
    e = assertThrows(IOException.class, () -> decode(b));
    assertTrue(e.getMessage().contains("test: checkpoint checksum mismatch"), e.getMessage());
  }

  /** A framed checkpoint (valid checksum) whose body is {@code body}: damage past the checksum. */
  private static byte[] framed(java.util.function.Consumer<java.nio.ByteBuffer> body, int size) {
    return Framing.encode(TrainingStateCodec.MAGIC, TrainingStateCodec.VERSION, size, out -> {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(size);
      body.accept(b);
      out.write(b.array(), 0, b.position());
    });
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  /** Crafted files: huge or negative lengths and counts, truncated bodies; one clear error each, nothing big allocated. */
  @Test
  void craftedCheckpointsAreRefusedWithoutLargeAllocation() {
    byte[] huge = new byte[16]; // header only, announcing ~2 GiB of body
    java.nio.ByteBuffer.wrap(huge).putInt(TrainingStateCodec.MAGIC).putInt(2).putLong(Integer.MAX_VALUE - 8L);
    byte[] negative = huge.clone();
    java.nio.ByteBuffer.wrap(negative).putLong(8, -5);
    byte[] hugeCount = framed(b -> b.putLong(1).putLong(2).putInt(0).putLong(0).putInt(1 << 29), 64);
    byte[] negativeCount = framed(b -> b.putLong(1).putLong(2).putInt(0).putLong(0).putInt(-3), 64);
    byte[] maxCount = framed(b -> b.putLong(1).putLong(2).putInt(0).putLong(0).putInt(0).putInt(0)
        .putInt(Integer.MAX_VALUE), 64);
    byte[] shortBody = framed(b -> b.putLong(1).putLong(2), 64);
    byte[] good = TrainingStateCodec.encode(new TrainingState(new float[100], new float[10], new float[4], 3));
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 50);
    Object[][] cases = {
        {huge, "header says 2147483639 body bytes"}, {negative, "header says -5 body bytes"},
        {hugeCount, "damaged checkpoint: corrupt float count 536870912"},
        {negativeCount, "damaged checkpoint: corrupt float count -3"},
        {maxCount, "damaged checkpoint: corrupt float count 2147483647"},
        {shortBody, "damaged checkpoint: the body ends before its last field"},
        {truncated, "truncated or corrupt checkpoint"}};
    for (Object[] c : cases) {
      long before = usedHeap();
      IOException e = assertThrows(IOException.class, () -> TrainingStateCodec.decode((byte[]) c[0], "ckpt-7.bin"));
      assertTrue(e.getMessage().startsWith("ckpt-7.bin: ") && e.getMessage().contains((String) c[1]), e.getMessage());
      assertTrue(usedHeap() - before < (64 << 20), "allocated " + (usedHeap() - before) + " bytes for " + c[1]);
    }
  }
}
