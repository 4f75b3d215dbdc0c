# Writes a C++ source defining `const char* const <SYMBOL>` with the text of INPUT, so a data file
# stays the single source of a fact table and the binary still needs nothing at run time.
# usage: cmake -DINPUT=file -DOUTPUT=file.cc -DNAMESPACE=ns -DSYMBOL=name -P embed_text.cmake
file(READ "${INPUT}" text)
set(delim "rknnsim_embedded")
string(FIND "${text}" ")${delim}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter ${delim}")
endif()
file(WRITE "${OUTPUT}.tmp" "// Generated from ${INPUT} by cmake/embed_text.cmake; do not edit.\n"
     "namespace ${NAMESPACE} {\nextern const char* const ${SYMBOL};\n"
     "const char* const ${SYMBOL} = R\"${delim}(${text})${delim}\";\n}\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
