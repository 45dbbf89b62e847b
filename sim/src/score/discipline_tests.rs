//! Report discipline tests on hand-written event lists.
