"""deconflict"""
