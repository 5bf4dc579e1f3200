package dev.dptrain.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dptrain.model.config.Conf;
import dev.dptrain.model.config.TrainConfigParser;
import dev.dptrain.model.optim.LrSchedule;
import dev.dptrain.model.optim.Sgd;
import org.junit.jupiter.api.Test;

/** One set of defaults: an empty train block is TrainSpec.defaults(). */
class TrainSpecDefaultsTest {
  @Test
  void anEmptyTrainBlockIsTheDefaults() {
    assertEquals(TrainSpec.defaults(), TrainConfigParser.parse(Conf.parseString("", "t.conf")));
  }

  @Test
  void sgdMomentumIsTheDefaultsWithMomentumAndOneEpoch() {
    TrainSpec s = TrainSpec.sgdMomentum(0.05);
    assertEquals(new Sgd(0.9, false), s.optimizer());
    assertEquals(LrSchedule.constant(0.05), s.schedule());
    assertEquals(1, s.epochs());
    assertEquals(TrainSpec.defaults().batchSize(), s.batchSize());
    assertEquals(TrainSpec.defaults().seed(), s.seed());
  }
}
