package dev.dptrain.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void shapeSize() {
    assertEquals(784, Shape.image(1, 28, 28).size());
  }
}
