; Names a test passes around without calling them: assertEqual(x, CONSTANT),
; pytest.raises(MyError), isinstance(obj, MyClass).
(argument_list
  [(identifier) (attribute)] @reference)

(keyword_argument
  value: [(identifier) (attribute)] @reference)

(comparison_operator
  [(identifier) (attribute)] @reference)

; A test's parameters name the pytest fixtures it uses.
(function_definition
  name: (identifier) @_test
  (#match? @_test "^test")
  parameters: (parameters
    [(identifier) @fixture
     (typed_parameter (identifier) @fixture)
     (default_parameter name: (identifier) @fixture)]))
