# fuzz: fuzz harnesses; replayed over their seed corpus by make check.
