package dev.dptrain.driver;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import dev.dptrain.model.Evaluation;
import dev.dptrain.model.GradientSum;
import dev.dptrain.model.Shape;
import dev.dptrain.model.check.LayerHealth;
import dev.dptrain.model.check.SanityChecks;
import dev.dptrain.model.config.LayerSpec;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.init.Init;
import dev.dptrain.model.train.StepCoordinates;
import dev.dptrain.worker.PackedPartition;
import dev.dptrain.worker.data.Example;
import dev.dptrain.worker.data.IdxRecords;
import dev.dptrain.worker.data.RecordKey;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Registers every class dptrain sends through Spark's serializer, so that runs can use
 * {@code spark.kryo.registrationRequired=true} (and the tests do). Records are written with Java
 * serialisation: Kryo's field serializer cannot set the final fields of records; they are small
 * and sent once per run, never per step.
 */
public final class DptrainKryoRegistrator implements KryoRegistrator {
  @Override
  public void registerClasses(Kryo kryo) {
    kryo.register(float[].class);
    kryo.register(double[].class);
    kryo.register(int[].class);
    kryo.register(long[].class);
    kryo.register(GradientSum.class);
    kryo.register(Evaluation.class);
    kryo.register(StepPayload.class);
    kryo.register(java.util.HashMap.class); // the input's file index, broadcast to the readers
    kryo.register(java.util.ArrayList.class); // the sanity checks' results
    // Records on their way from the readers to the balancing shuffle: written field by field
    // (bulk floats), the key first.
    kryo.register(RecordKey.class, new com.esotericsoftware.kryo.Serializer<RecordKey>() {
      @Override
      public void write(Kryo k, Output out, RecordKey key) {
        out.writeInt(key.file());
        out.writeLong(key.record());
      }

      @Override
      public RecordKey read(Kryo k, Input in, Class<RecordKey> type) {
        return new RecordKey(in.readInt(), in.readLong());
      }
    });
    kryo.register(Example.class, new com.esotericsoftware.kryo.Serializer<Example>() {
      @Override
      public void write(Kryo k, Output out, Example e) {
        if (e.pixels() != null) {
          out.writeInt(-e.pixels().length - 1);
          out.writeBytes(e.pixels());
        } else {
          out.writeInt(e.features().length);
          out.writeFloats(e.features());
        }
        out.writeFloat(e.label());
        // prediction input: the columns passed through (predict --keep); -1 = none
        out.writeInt(e.kept() == null ? -1 : e.kept().length);
        if (e.kept() != null) for (String s : e.kept()) out.writeString(s);
      }

      @Override
      public Example read(Kryo k, Input in, Class<Example> type) {
        int n = in.readInt();
        Example e;
        if (n < 0) {
          byte[] px = in.readBytes(-n - 1);
          e = Example.ofPixels(px, in.readFloat());
        } else {
          float[] x = in.readFloats(n);
          e = new Example(x, in.readFloat());
        }
        int kept = in.readInt();
        if (kept < 0) return e;
        String[] values = new String[kept];
        for (int i = 0; i < kept; i++) values[i] = in.readString();
        return e.keeping(values);
      }
    });
    JavaSerializer java = new JavaSerializer();
    for (Class<?> c : new Class<?>[] {NetworkSpec.class, Shape.class, Init.class, Init.Scheme.class,
        LayerSpec.DenseSpec.class, LayerSpec.ActivationSpec.class, LayerSpec.SoftmaxSpec.class,
        LayerSpec.BatchNormSpec.class, LayerSpec.DropoutSpec.class, Dataset.class,
        PackedPartition.class, StepCoordinates.class, IdxRecords.Header.class, SanityChecks.Result.class, LayerHealth.class}) {
      kryo.register(c, java);
    }
  }
}
