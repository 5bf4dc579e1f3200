package dev.dptrain.driver;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import dev.dptrain.model.Evaluation;
import dev.dptrain.model.GradientSum;
import dev.dptrain.model.Shape;
import dev.dptrain.model.config.LayerSpec;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.init.Init;
import dev.dptrain.model.train.StepCoordinates;
import dev.dptrain.worker.PackedPartition;
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
    JavaSerializer java = new JavaSerializer();
    for (Class<?> c : new Class<?>[] {NetworkSpec.class, Shape.class, Init.class, Init.Scheme.class,
        LayerSpec.DenseSpec.class, LayerSpec.ActivationSpec.class, LayerSpec.SoftmaxSpec.class,
        LayerSpec.BatchNormSpec.class, LayerSpec.DropoutSpec.class, Dataset.class,
        PackedPartition.class, StepCoordinates.class}) {
      kryo.register(c, java);
    }
  }
}
