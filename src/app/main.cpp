#include "app/cli.hpp"

int main(int argc, char** argv) {
    return dh::app::main(argc, argv);
}
