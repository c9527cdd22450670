package org.cnnhls.ir;

/** A named graph input with its static shape (float32 data). */
public record ValueInfo(String name, Shape shape) {}
