LAB02 = []
