package org.cnnhls.frontend;

import org.cnnhls.ir.ModelException;

/** A known op used with an attribute value or input form cnnhls does not implement. */
public class UnsupportedFeatureException extends ModelException {
  public UnsupportedFeatureException(String message) {
    super(message);
  }
}
