import dev.dptrain.driver.io.ModelStore;
import dev.dptrain.model.io.SavedModel;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;

/**
 * Exit 0 when two saved models compute the same thing bit for bit: network config, parameters,
 * BatchNorm statistics, standardisation and classes (their provenance, with its save time and
 * run directory, may differ). Used by faults.sh: java -cp CLASSPATH SameModel.java A B
 */
public class SameModel {
  public static void main(String[] args) throws Exception {
    SavedModel a = ModelStore.load(args[0], new Configuration());
    SavedModel b = ModelStore.load(args[1], new Configuration());
    boolean same = a.networkConfig().equals(b.networkConfig()) && Arrays.equals(a.params(), b.params())
        && Arrays.equals(a.state(), b.state()) && a.classes() == b.classes()
        && a.standardizer().mode() == b.standardizer().mode()
        && Arrays.equals(a.standardizer().mean(), b.standardizer().mean())
        && Arrays.equals(a.standardizer().std(), b.standardizer().std());
    System.exit(same ? 0 : 1);
  }
}
