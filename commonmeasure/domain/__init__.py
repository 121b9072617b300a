"""Pure calculations: no Django imports. Plain values in, plain values out."""
