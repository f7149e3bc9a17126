/** Integer money arithmetic: amounts are {@code long} micros, never floating point. */
package io.adengine.money;
