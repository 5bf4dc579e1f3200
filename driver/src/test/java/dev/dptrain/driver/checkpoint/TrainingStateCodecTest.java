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

  /** A version-1 checkpoint (written before the epoch sums) still loads, its sums at zero. */
  @Test
  void readsVersionOne() throws IOException {
    TrainingState s = sample();
    byte[] v1 = Framing.encode(TrainingStateCodec.MAGIC, 1, 64, out -> {
      out.writeLong(s.seed);
      out.writeLong(s.step);
      out.writeInt(s.epoch);
      out.writeLong(s.stepInEpoch);
      Framing.writeFloats(out, s.params);
      Framing.writeFloats(out, s.optimizerState);
      Framing.writeFloats(out, s.normState);
    });
    TrainingState r = decode(v1);
    assertArrayEquals(s.params, r.params);
    assertEquals(13, r.step);
    assertEquals(3, r.stepInEpoch);
    assertEquals(0, r.epochCount);
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
}
