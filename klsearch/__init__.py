"""klsearch"""
