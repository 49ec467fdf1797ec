(argument_list
  [(identifier) (selector_expression)] @reference)
