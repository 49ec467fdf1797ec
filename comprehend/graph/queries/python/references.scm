; Names a test passes around without calling them: assertEqual(x, CONSTANT),
; pytest.raises(MyError), isinstance(obj, MyClass).
(argument_list
  [(identifier) (attribute)] @reference)

(keyword_argument
  value: [(identifier) (attribute)] @reference)

(comparison_operator
  [(identifier) (attribute)] @reference)
