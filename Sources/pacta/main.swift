print("pacta")
