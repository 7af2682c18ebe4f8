chek
