package dev.dptrain.worker.data;

/** Bad input data; the message names the file, the record and what was expected. */
public final class DataFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public DataFormatException(String message) {
    super(message);
  }
}
