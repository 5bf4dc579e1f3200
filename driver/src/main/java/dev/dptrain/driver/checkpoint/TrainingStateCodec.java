package dev.dptrain.driver.checkpoint;

import dev.dptrain.model.io.Framing;
import dev.dptrain.model.train.TrainingState;
import java.io.DataInputStream;
import java.io.IOException;

/**
 * Binary form of a {@link TrainingState} (checkpoints). Layout, big-endian:
 * <pre>
 *   "DPTC" | version:int | body length:long | body | crc32(body):long
 *   body = seed:long step:long epoch:int stepInEpoch:long
 *          params:floats optimizerState:floats normState:floats    (floats = count:int + IEEE 754 floats)
 *          epochLossSum:double epochCount:long epochCorrect:long   (version 2 on)
 *          hasBest:boolean [bestEpoch:int bestScore:double params:floats normState:floats]  (version 3 on)
 * </pre>
 * The frame is {@link Framing}'s: reading checks the magic, the version and the checksum; a damaged
 * file is an error naming it.
 * Version 1 files (no epoch sums) still load, with the epoch's sums starting from zero; version 1
 * and 2 files have no early-stopping best epoch.
 */
public final class TrainingStateCodec {
  static final int MAGIC = 0x44505443; // "DPTC"
  public static final int VERSION = 3;
  private static final int OLDEST_READABLE = 1;

  private TrainingStateCodec() {}

  public static byte[] encode(TrainingState s) {
    int bestFloats = s.best == null ? 0 : s.params.length + s.normState.length;
    return Framing.encode(MAGIC, VERSION,
        16 + 4 * (s.params.length + s.optimizerState.length + s.normState.length + bestFloats) + 96,
        out -> {
          out.writeLong(s.seed);
          out.writeLong(s.step);
          out.writeInt(s.epoch);
          out.writeLong(s.stepInEpoch);
          Framing.writeFloats(out, s.params);
          Framing.writeFloats(out, s.optimizerState);
          Framing.writeFloats(out, s.normState);
          out.writeDouble(s.epochLossSum);
          out.writeLong(s.epochCount);
          out.writeLong(s.epochCorrect);
          out.writeBoolean(s.best != null);
          if (s.best != null) {
            out.writeInt(s.best.epoch());
            out.writeDouble(s.best.score());
            Framing.writeFloats(out, s.best.params());
            Framing.writeFloats(out, s.best.normState());
          }
        });
  }

  /**
   * Reads a checkpoint; any damage (frame, checksum, a count that is negative or larger than the
   * bytes left, a body that ends early) is an {@link IOException} naming the file, raised before
   * anything is allocated from a declared length.
   */
  public static TrainingState decode(byte[] bytes, String name) throws IOException {
    Framing.Body body = Framing.decode(bytes, MAGIC, "checkpoint", OLDEST_READABLE, VERSION, name);
    try {
      return body(body);
    } catch (java.io.EOFException e) {
      throw new IOException(name + ": damaged checkpoint: the body ends before its last field", e);
    } catch (IOException e) {
      throw new IOException(name + ": damaged checkpoint: " + e.getMessage(), e);
    }
  }

  private static TrainingState body(Framing.Body body) throws IOException {
    DataInputStream d = body.in();
    long seed = d.readLong();
    long step = d.readLong();
    int epoch = d.readInt();
    long stepInEpoch = d.readLong();
    TrainingState s = new TrainingState(Framing.readFloats(d), Framing.readFloats(d), Framing.readFloats(d), seed);
    s.step = step;
    s.epoch = epoch;
    s.stepInEpoch = stepInEpoch;
    if (body.version() >= 2) {
      s.epochLossSum = d.readDouble();
      s.epochCount = d.readLong();
      s.epochCorrect = d.readLong();
    }
    if (body.version() >= 3 && d.readBoolean()) {
      s.best = new TrainingState.Best(d.readInt(), d.readDouble(), Framing.readFloats(d), Framing.readFloats(d));
    }
    return s;
  }
}
